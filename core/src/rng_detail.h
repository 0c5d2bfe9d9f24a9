// Pieces shared by the scalar (rng.cpp) and batched (rng_batch.cpp) generators, inline so that
// both run the very same operations and so give the same bits.
// log_of_normal is exact_log (rng.h) for positive, finite, normal x:
// log x = e·ln2 + log m with x = m·2^e, m in [√½, √2); log m = 2·atanh(t), t = (m−1)/(m+1),
// |t| ≤ 0.1716, summed as 2t + 2t·t²·(1/3 + t²/5 + … + t^18/21): the next term is below 2^-55
// of the result. ln2 is split (fdlibm's hi/lo) so e·ln2_hi is exact.
#pragma once
#include <cstdint>
#include <cstring>
#include <utility>

#include "idim/rng.h"

namespace idim::detail {

// Random123's constants (philox.h): round multipliers and the Weyl key increments.
constexpr uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;

// 52 random bits from two words (20 of high, all 32 of low) as a double in [-1, 1): the bits
// become the mantissa of a number in [1, 2), then 2x − 3 (all exact; no integer-to-float
// conversion, which keeps the batched loops vectorisable).
inline double signed_unit(uint32_t high, uint32_t low) {
    uint64_t bits = 0x3FF0000000000000ull | (uint64_t(high >> 12) << 32) | low;
    double one_to_two;
    std::memcpy(&one_to_two, &bits, sizeof one_to_two);
    return 2.0 * one_to_two - 3.0;
}

// Marsaglia's polar method for one pair, trying attempts first_attempt, first_attempt + 1, …
std::pair<double, double> polar_pair(const PhiloxKey& key, uint32_t stream, uint64_t pair,
                                     uint32_t first_attempt);

// exponent_shift is added to x's binary exponent (exact_log scales subnormals by 2^54).
inline double log_of_normal(double x, int32_t exponent_shift = 0) {
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    int32_t exponent = int32_t((bits >> 52) & 0x7FF) - 1023 + exponent_shift;
    bits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;  // mantissa in [1, 2)
    double m;
    std::memcpy(&m, &bits, sizeof m);
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

}  // namespace idim::detail
