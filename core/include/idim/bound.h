// Compression bounds on the test error from subspace training (Lotfi et al. 2022, "PAC-Bayes
// compression bounds so tight that they can explain generalization"): θ_d is quantised to a small
// codebook, the model is described by a prefix-free code of that many bits, and Occam's razor
// (Langford 2005, Theorem 4.1, relaxed by the Chernoff bound) bounds the test error of the
// quantised model from its training error:
//   err ≤ kl⁻¹(train_err, (bits·ln 2 + ln(1/δ)) / n)   with probability ≥ 1 − δ over the sample.
// docs/method.md writes the code out part by part.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "idim/parametrization.h"

namespace idim {

// A vector as codebook indices: value i is codebook[codes[i]].
struct Quantised {
    std::vector<float> codebook;    // (levels), ascending
    std::vector<uint32_t> codes;    // (d)
    std::vector<float> values() const;
};

// One-dimensional k-means, solved exactly (dynamic programming over runs of the sorted values):
// the codebook of at most `levels` values that minimises the squared error, each value coded by
// its run. Levels beyond the distinct values are merged away.
Quantised kmeans_quantise(std::span<const float> values, int levels);

// The prefix-free description of a quantised θ_d, in bits, part by part.
struct DescriptionLength {
    double configuration = 0;   // what names the run: seed, d, levels and the flags (see below)
    double counts = 0;          // how many entries take each level: (levels − 1)·⌈log₂(d + 1)⌉
    double codes = 0;           // the levels in order given the counts: ⌈log₂(d! / Π n_j!)⌉
    double codebook = 0;        // 32 bits per level (float32)
    double start = 0;           // a pretrained θ0: kStartingPointBits; a random one: 0
    double total() const { return configuration + counts + codes + codebook + start; }
};

// Elias γ code length of x ≥ 1: 2⌊log₂ x⌋ + 1 bits.
double elias_gamma_bits(uint64_t x);
// The bits that name the run out of the ones the prior allows: Elias γ of seed + 1 and of d,
// 8 bits for the number of levels (1 … 256) and kConfigurationFlagBits for the rest of the
// configuration (model, data, projection, training flags), chosen from at most 2^that many.
constexpr double kConfigurationFlagBits = 16;
double configuration_bits(uint64_t seed, uint64_t d, int levels);
// A pretrained starting point is part of the prior only if it was fixed before the bounded data
// were seen (trained on other data); naming it by its crc32 among at most 2^32 such starts costs
// 32 bits, which is conservative when the prior holds one start only.
constexpr double kStartingPointBits = 32;
DescriptionLength description_length(const Quantised& q, uint64_t seed, bool pretrained_start = false);

// kl(q ‖ p) between Bernoulli distributions, in nats (0·ln 0 = 0; +∞ where p is 0 or 1 and q not).
double kl_bernoulli(double q, double p);
// The largest p in [q, 1] with kl(q ‖ p) ≤ c (bisection to 1e-12).
double kl_inverse_upper(double q, double c);

struct OccamBound {
    double train_error = 0;     // of the hypothesis on the n training examples
    size_t n = 0;
    double bits = 0;            // its description length
    double delta = 0;           // the bound fails with probability at most δ
    double complexity = 0;      // (bits·ln 2 + ln(1/δ)) / n, in nats per example
    double kl = 0;              // kl⁻¹(train_error, complexity): the bound reported
    double hoeffding = 0;       // train_error + √(complexity / 2): looser, for comparison
};
OccamBound occam_bound(double train_error, size_t n, double bits, double delta);

// Trains a quantised θ_d: the trainable vector is the codebook, θ_d = codebook[codes] and its
// gradient dcodebook_j = Σ_{i: codes_i = j} dθ_d,i (the assignments stay fixed). `inner`, the
// parametrization of θ_d, is used, not owned: it must outlive the result (several codebooks may
// take turns over one P). Everything runs as backend ops (gather and scatter-sum).
std::unique_ptr<Parametrization> codebook_parametrization(Backend& be, Parametrization& inner,
                                                          const Quantised& start);

}  // namespace idim
