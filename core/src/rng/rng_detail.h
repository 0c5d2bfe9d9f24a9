// Pieces shared by the scalar (rng.cpp) and batched (rng_batch.cpp) generators, inline so that
// both run the very same operations and so give the same bits.
// log_of_normal is exact_log (rng.h) for positive, finite, normal x:
// log x = e·ln2 + log m with x = m·2^e, m in [√½, √2); log m = 2·atanh(t), t = (m−1)/(m+1),
// |t| ≤ 0.1716, summed as 2t + 2t·t²·(1/3 + t²/5 + … + t^18/21): the next term is below 2^-55
// of the result. ln2 is split (fdlibm's hi/lo) so e·ln2_hi is exact.
#pragma once
#include <cstdint>
#include <utility>

#include "hd.h"
#include "idim/rng.h"

namespace idim::detail {

// Random123's constants (philox.h): round multipliers and the Weyl key increments.
constexpr uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;

// 52 random bits from two words (20 of high, all 32 of low) as a double in [-1, 1): the bits
// become the mantissa of a number in [1, 2), then 2x − 3 (all exact; no integer-to-float
// conversion, which keeps the batched loops vectorisable).
IDIM_HD inline double signed_unit(uint32_t high, uint32_t low) {
    uint64_t bits = 0x3FF0000000000000ull | (uint64_t(high >> 12) << 32) | low;
    return 2.0 * hd::double_from_bits(bits) - 3.0;
}

// Marsaglia's polar method for one pair, trying attempts first_attempt, first_attempt + 1, …
std::pair<double, double> polar_pair(const PhiloxKey& key, uint32_t stream, uint64_t pair,
                                     uint32_t first_attempt);

// exponent_shift is added to x's binary exponent (exact_log scales subnormals by 2^54).
IDIM_HD inline double log_of_normal(double x, int32_t exponent_shift = 0) {
    uint64_t bits = hd::bits_of_double(x);
    int32_t exponent = int32_t((bits >> 52) & 0x7FF) - 1023 + exponent_shift;
    bits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;  // mantissa in [1, 2)
    double m = hd::double_from_bits(bits);
    int32_t high = m > 1.4142135623730951;  // then halve m (arithmetic, not a branch: vectorises)
    m *= 1.0 - 0.5 * high;
    exponent += high;
    double t = (m - 1.0) / (m + 1.0);
    double s = t * t;
    double p = 1.0 / 21;
    p = 1.0 / 19 + s * p;
    p = 1.0 / 17 + s * p;
    p = 1.0 / 15 + s * p;
    p = 1.0 / 13 + s * p;
    p = 1.0 / 11 + s * p;
    p = 1.0 / 9 + s * p;
    p = 1.0 / 7 + s * p;
    p = 1.0 / 5 + s * p;
    p = 1.0 / 3 + s * p;
    double log_m = 2.0 * t + 2.0 * t * (s * p);
    constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
    double e = exponent;
    return e * kLn2Hi + (log_m + e * kLn2Lo);
}

// Philox4x32-10 on counter c (in place) with key (k0, k1): Random123's philox4x32_R(10, ...).
IDIM_HD inline void philox4x32_10_inplace(uint32_t c[4], uint32_t k0, uint32_t k1) {
    for (int round = 0; round < 10; ++round) {
        if (round > 0) {
            k0 += kPhiloxW0;
            k1 += kPhiloxW1;
        }
        uint64_t p0 = uint64_t(kPhiloxM0) * c[0], p1 = uint64_t(kPhiloxM1) * c[2];
        uint32_t n0 = uint32_t(p1 >> 32) ^ c[1] ^ k0, n2 = uint32_t(p0 >> 32) ^ c[3] ^ k1;
        c[1] = uint32_t(p1);
        c[3] = uint32_t(p0);
        c[0] = n0;
        c[2] = n2;
    }
}

// Marsaglia's polar method for one pair: a point (u, v) uniform in the square, kept when
// 0 < u² + v² < 1 (probability π/4); each rejection moves to the next attempt counter.
IDIM_HD inline void polar_pair_values(uint32_t k0, uint32_t k1, uint32_t stream, uint64_t pair,
                                      uint32_t first_attempt, double& first, double& second) {
    for (uint32_t attempt = first_attempt;; ++attempt) {
        uint32_t r[4] = {uint32_t(pair), uint32_t(pair >> 32), stream, attempt};
        philox4x32_10_inplace(r, k0, k1);
        double u = signed_unit(r[0], r[1]), v = signed_unit(r[2], r[3]);
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) {
            double factor = -2.0 * log_of_normal(s) / s;
#ifdef __CUDA_ARCH__
            factor = ::sqrt(factor);   // IEEE-rounded on the device as on the host
#else
            factor = __builtin_sqrt(factor);
#endif
            first = u * factor;
            second = v * factor;
            return;
        }
    }
}

}  // namespace idim::detail
