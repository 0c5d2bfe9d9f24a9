// Philox4x32-10 and the bit-exact path from its bits to uniforms, normals and permutations.
// Everything here uses integer arithmetic or the IEEE-exact operations + − × ÷ √ only, so the
// same (seed, stream, index) gives the same bits natively and in WebAssembly (see rng.h).
#include "idim/rng.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace idim {
namespace {

// Random123's constants (philox.h): round multipliers and the Weyl key increments.
constexpr uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;

inline void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
    uint64_t product = uint64_t(a) * b;
    hi = uint32_t(product >> 32);
    lo = uint32_t(product);
}

inline PhiloxCounter philox_round(const PhiloxCounter& c, const PhiloxKey& k) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kPhiloxM0, c[0], hi0, lo0);
    mulhilo(kPhiloxM1, c[2], hi1, lo1);
    return {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
}

// 53 random bits from two words, as a double in [-1, 1) (exact: an integer times 2^-52, minus 1).
inline double signed_unit(uint32_t high, uint32_t low) {
    uint64_t bits53 = (uint64_t(high) << 21) | (low >> 11);
    return double(bits53) * 0x1p-52 - 1.0;
}

}  // namespace

PhiloxCounter philox4x32_10(PhiloxCounter counter, PhiloxKey key) {
    counter = philox_round(counter, key);
    for (int round = 1; round < 10; ++round) {
        key[0] += kPhiloxW0;
        key[1] += kPhiloxW1;
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

// Marsaglia's polar method: a point (u, v) uniform in the square, kept when 0 < u² + v² < 1
// (probability π/4); each rejection moves to the next attempt counter of the same pair.
std::pair<double, double> CounterRng::normal_pair(uint64_t pair) const {
    for (uint32_t attempt = 0;; ++attempt) {
        PhiloxCounter r = block(pair, attempt);
        double u = signed_unit(r[0], r[1]), v = signed_unit(r[2], r[3]);
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) {
            double factor = std::sqrt(-2.0 * exact_log(s) / s);
            return {u * factor, v * factor};
        }
    }
}

// log x = e·ln2 + log m with x = m·2^e, m in [√½, √2); log m = 2·atanh(t), t = (m−1)/(m+1),
// |t| ≤ 0.1716, summed as 2t + 2t·t²·(1/3 + t²/5 + … + t^18/21): the next term is below 2^-55
// of the result. ln2 is split (fdlibm's hi/lo) so e·ln2_hi is exact.
double exact_log(double x) {
    if (!(x > 0.0)) return x == 0.0 ? -std::numeric_limits<double>::infinity()
                                    : std::numeric_limits<double>::quiet_NaN();
    if (x == std::numeric_limits<double>::infinity()) return x;
    int exponent_shift = 0;
    if (x < 0x1p-1022) {  // subnormal: scale into the normal range first (exact)
        x *= 0x1p54;
        exponent_shift = -54;
    }
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    int exponent = int((bits >> 52) & 0x7FF) - 1023 + exponent_shift;
    bits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;  // mantissa in [1, 2)
    double m;
    std::memcpy(&m, &bits, sizeof m);
    if (m > 1.4142135623730951) {
        m *= 0.5;
        exponent += 1;
    }
    double t = (m - 1.0) / (m + 1.0);
    double s = t * t;
    double p = 1.0 / 21;
    const double coefficients[] = {1.0 / 19, 1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11,
                                   1.0 / 9,  1.0 / 7,  1.0 / 5,  1.0 / 3};
    for (double c : coefficients) p = c + s * p;
    double log_m = 2.0 * t + 2.0 * t * (s * p);
    constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
    double e = exponent;
    return e * kLn2Hi + (log_m + e * kLn2Lo);
}

void random_permutation(const CounterRng& rng, uint32_t n, uint32_t* out) {
    for (uint32_t i = 0; i < n; ++i) out[i] = i;
    for (uint32_t i = n; i-- > 1;) std::swap(out[i], out[rng.below(i, i + 1)]);
}

}  // namespace idim
