// CounterRng::normals: the polar method for many consecutive pairs at once. Each step runs as a
// loop over independent lanes (structure of arrays), which the compiler vectorises; the lane
// operations are exactly those of detail::polar_pair, so the bits equal one value at a time.
#include <algorithm>
#include <cmath>

#include "idim/rng.h"
#include "rng/rng_detail.h"

namespace idim {
namespace {

constexpr size_t kLanes = 64;

// One attempt of the polar method in each lane k < n: philox4x32_10 on counter
// {pair lo, pair hi, stream, attempt}, then (u, v) and s = u² + v².
void attempt_lanes(const PhiloxKey& key, uint32_t stream, const uint64_t* pair,
                   uint32_t attempt, size_t n, double* u, double* v, double* s) {
    uint32_t c0[kLanes], c1[kLanes], c2[kLanes], c3[kLanes];
    for (size_t k = 0; k < n; ++k) {
        c0[k] = uint32_t(pair[k]);
        c1[k] = uint32_t(pair[k] >> 32);
        c2[k] = stream;
        c3[k] = attempt;
    }
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; ++round) {
        if (round > 0) {
            k0 += detail::kPhiloxW0;
            k1 += detail::kPhiloxW1;
        }
        for (size_t k = 0; k < n; ++k) {  // philox_round of rng.cpp, one lane each
            uint64_t p0 = uint64_t(detail::kPhiloxM0) * c0[k];
            uint64_t p1 = uint64_t(detail::kPhiloxM1) * c2[k];
            uint32_t n0 = uint32_t(p1 >> 32) ^ c1[k] ^ k0, n2 = uint32_t(p0 >> 32) ^ c3[k] ^ k1;
            c1[k] = uint32_t(p1);
            c3[k] = uint32_t(p0);
            c0[k] = n0;
            c2[k] = n2;
        }
    }
    for (size_t k = 0; k < n; ++k) {
        u[k] = detail::signed_unit(c0[k], c1[k]);
        v[k] = detail::signed_unit(c2[k], c3[k]);
        s[k] = u[k] * u[k] + v[k] * v[k];
    }
}

// out[2k], out[2k + 1] = normal_pair(first_pair + k), k < n ≤ kLanes. Lanes rejected by one
// attempt (about 21%) are gathered and retried together with the next attempt counter.
void pairs(const PhiloxKey& key, uint32_t stream, uint64_t first_pair, size_t n, double* out) {
    uint64_t pair[kLanes];
    uint32_t slot[kLanes];  // where lane k's values go in out
    double u[kLanes], v[kLanes], s[kLanes], factor[kLanes];
    for (size_t k = 0; k < n; ++k) {
        pair[k] = first_pair + k;
        slot[k] = uint32_t(k);
    }
    for (uint32_t attempt = 0; n > 0; ++attempt) {
        attempt_lanes(key, stream, pair, attempt, n, u, v, s);
        for (size_t k = 0; k < n; ++k)  // rejected lanes get a placeholder and are redone
            factor[k] = (s[k] > 0.0) & (s[k] < 1.0) ? s[k] : 0.5;
        for (size_t k = 0; k < n; ++k)
            factor[k] = -2.0 * detail::log_of_normal(factor[k]) / factor[k];
        // A loop of its own: sqrt may set errno, which stops the compiler vectorising the above.
        for (size_t k = 0; k < n; ++k) factor[k] = std::sqrt(factor[k]);
        size_t rejected = 0;
        for (size_t k = 0; k < n; ++k) {
            if ((s[k] > 0.0) & (s[k] < 1.0)) {
                out[2 * slot[k]] = u[k] * factor[k];
                out[2 * slot[k] + 1] = v[k] * factor[k];
            } else {
                pair[rejected] = pair[k];
                slot[rejected++] = slot[k];
            }
        }
        n = rejected;
    }
}

}  // namespace

void CounterRng::normals(uint64_t first_index, size_t count, double* out) const {
    if (count == 0) return;
    if (first_index % 2 == 1) {
        *out++ = normal_pair(first_index / 2).second;
        ++first_index;
        --count;
    }
    double buffer[2 * kLanes];
    uint64_t pair = first_index / 2;
    while (count >= 2) {
        size_t n = std::min(kLanes, count / 2);
        pairs(key_, stream_, pair, n, out);
        pair += n;
        out += 2 * n;
        count -= 2 * n;
    }
    if (count == 1) {
        pairs(key_, stream_, pair, 1, buffer);
        *out = buffer[0];
    }
}

}  // namespace idim
