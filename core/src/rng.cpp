// Philox4x32-10 and the bit-exact path from its bits to uniforms, normals and permutations.
// Everything here uses integer arithmetic or the IEEE-exact operations + − × ÷ √ only, so the
// same (seed, stream, index) gives the same bits natively and in WebAssembly (see rng.h).
#include "idim/rng.h"

#include "rng_detail.h"

#include <cmath>
#include <limits>
#include <utility>

namespace idim {
namespace {

inline void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
    uint64_t product = uint64_t(a) * b;
    hi = uint32_t(product >> 32);
    lo = uint32_t(product);
}

inline PhiloxCounter philox_round(const PhiloxCounter& c, const PhiloxKey& k) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(detail::kPhiloxM0, c[0], hi0, lo0);
    mulhilo(detail::kPhiloxM1, c[2], hi1, lo1);
    return {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
}

}  // namespace

PhiloxCounter philox4x32_10(PhiloxCounter counter, PhiloxKey key) {
    counter = philox_round(counter, key);
    for (int round = 1; round < 10; ++round) {
        key[0] += detail::kPhiloxW0;
        key[1] += detail::kPhiloxW1;
        counter = philox_round(counter, key);
    }
    return counter;
}

CounterRng::CounterRng(uint64_t seed, Stream stream)
    : key_{uint32_t(seed), uint32_t(seed >> 32)}, stream_(uint32_t(stream)) {}

PhiloxCounter CounterRng::block(uint64_t index, uint32_t attempt) const {
    return philox4x32_10({uint32_t(index), uint32_t(index >> 32), stream_, attempt}, key_);
}

PhiloxCounter CounterRng::bits(uint64_t index) const { return block(index, 0); }

float CounterRng::uniform(uint64_t index) const {
    return float(bits(index)[0] >> 8) * 0x1p-24f;
}

uint32_t CounterRng::below(uint64_t index, uint32_t n) const {
    return uint32_t((uint64_t(bits(index)[0]) * n) >> 32);
}

double CounterRng::normal(uint64_t index) const {
    std::pair<double, double> pair = normal_pair(index / 2);
    return index % 2 == 0 ? pair.first : pair.second;
}

std::pair<double, double> CounterRng::normal_pair(uint64_t pair) const {
    return detail::polar_pair(key_, stream_, pair, 0);
}

// Marsaglia's polar method: a point (u, v) uniform in the square, kept when 0 < u² + v² < 1
// (probability π/4); each rejection moves to the next attempt counter of the same pair.
std::pair<double, double> detail::polar_pair(const PhiloxKey& key, uint32_t stream, uint64_t pair,
                                             uint32_t first_attempt) {
    for (uint32_t attempt = first_attempt;; ++attempt) {
        PhiloxCounter r = philox4x32_10({uint32_t(pair), uint32_t(pair >> 32), stream, attempt}, key);
        double u = signed_unit(r[0], r[1]), v = signed_unit(r[2], r[3]);
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) {
            double factor = std::sqrt(-2.0 * log_of_normal(s) / s);
            return {u * factor, v * factor};
        }
    }
}

// Special values as std::log has them; subnormals are scaled into the normal range (exactly).
double exact_log(double x) {
    if (!(x > 0.0)) return x == 0.0 ? -std::numeric_limits<double>::infinity()
                                    : std::numeric_limits<double>::quiet_NaN();
    if (x == std::numeric_limits<double>::infinity()) return x;
    if (x < 0x1p-1022) return detail::log_of_normal(x * 0x1p54, -54);
    return detail::log_of_normal(x);
}

void random_permutation(const CounterRng& rng, uint32_t n, uint32_t* out) {
    for (uint32_t i = 0; i < n; ++i) out[i] = i;
    for (uint32_t i = n; i-- > 1;) std::swap(out[i], out[rng.below(i, i + 1)]);
}

}  // namespace idim
