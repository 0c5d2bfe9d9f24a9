// Philox4x32-10 and the bit-exact path from its bits to uniforms, normals and permutations.
// Everything here uses integer arithmetic or the IEEE-exact operations + − × ÷ √ only, so the
// same (seed, stream, index) gives the same bits natively and in WebAssembly (see rng.h).
#include "idim/rng.h"

#include "rng/rng_detail.h"

#include <cmath>
#include <limits>
#include <utility>

namespace idim {

PhiloxCounter philox4x32_10(PhiloxCounter counter, PhiloxKey key) {
    detail::philox4x32_10_inplace(counter.data(), key[0], key[1]);
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

std::pair<double, double> detail::polar_pair(const PhiloxKey& key, uint32_t stream, uint64_t pair,
                                             uint32_t first_attempt) {
    std::pair<double, double> values;
    polar_pair_values(key[0], key[1], stream, pair, first_attempt, values.first, values.second);
    return values;
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
