// Counter-based random numbers: every value is a pure function of (seed, stream, index), so the
// same seed gives the same bits natively, in WebAssembly and on a GPU, whatever the thread count.
// Philox4x32-10 is the project's own copy (Random123 refuses wasm32); native tests check it
// bit-for-bit against Random123. The path from bits to floats uses only + − × ÷ √ (IEEE-exact;
// libm's log/cos differ between platforms) and is compiled with -ffp-contract=off.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace idim {

using PhiloxCounter = std::array<uint32_t, 4>;
using PhiloxKey = std::array<uint32_t, 2>;

// Ten rounds of Philox4x32 (Salmon et al. 2011), identical to Random123's philox4x32_R(10, ...).
PhiloxCounter philox4x32_10(PhiloxCounter counter, PhiloxKey key);

// Independent streams of one seed, one per use, so that changing how one is consumed never
// changes another.
enum class Stream : uint32_t {
    init = 1,              // θ0, the model's initial parameters
    dense_projection = 2,
    sparse_projection = 3,
    fastfood_signs = 4,    // B
    fastfood_permutation = 5,  // Π
    fastfood_gauss = 6,    // G
    batch_order = 7,       // mini-batch shuffling
    pixel_permutation = 8,
    label_noise = 9,
    train_subset = 10,
    toy_targets = 11,
    lora = 13,             // LoRA's A matrices
    learned = 14,          // learned subspaces: v's start (IST), the MSF auto-encoder's weights, its batches
};

class CounterRng {
public:
    CounterRng(uint64_t seed, Stream stream);

    // 128 random bits for index: philox4x32_10({index lo, index hi, stream, 0}, {seed lo, seed hi}).
    PhiloxCounter bits(uint64_t index) const;
    // Uniform in [0, 1) with 24 random bits (exact in float32).
    float uniform(uint64_t index) const;
    // Uniform integer in [0, n) (multiply-shift on 32 bits; bias below 2^-32·n).
    uint32_t below(uint64_t index, uint32_t n) const;
    // Standard normal, bit-identical everywhere: Marsaglia's polar method on counter
    // {pair lo, pair hi, stream, attempt} (pair = index / 2; even index → first value) with a
    // logarithm built from + − × ÷ only (exact_log).
    double normal(uint64_t index) const;
    // Both values of one polar-method pair: {normal(2·pair), normal(2·pair + 1)} at the cost of one.
    std::pair<double, double> normal_pair(uint64_t pair) const;
    // out[k] = normal(first_index + k) for k < count: the same bits, computed many pairs at a time
    // so the compiler can vectorise (bulk use: dense projections, θ0).
    void normals(uint64_t first_index, size_t count, double* out) const;

private:
    PhiloxKey key_;
    uint32_t stream_;
    PhiloxCounter block(uint64_t index, uint32_t attempt) const;
};

// Natural logarithm for x > 0 using only IEEE-exact operations (frexp-style range reduction and an
// atanh series), accurate to a few ulp in double; identical on every conforming platform.
double exact_log(double x);

// A uniformly random permutation of 0..n-1 (Fisher–Yates driven by rng.below).
void random_permutation(const CounterRng& rng, uint32_t n, uint32_t* out);

}  // namespace idim
