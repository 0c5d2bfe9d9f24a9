// Fastfood (Le, Sarlós & Smola 2013) as the original uses it: ONE transform for the whole network.
// L = 2^⌈log₂ D⌉; P·x = first D entries of H·G·Π·H·B·[x; 0] / √(L·ΣG²·D/L), with B random ±1,
// H the unnormalised Walsh–Hadamard transform, Π a random permutation of L and G i.i.d. N(0, 1).
// O(L) memory and two transforms per call; the scale is folded into G. Expand's first transform
// acts on [x; 0] and costs only one of length 2^⌈log₂ d⌉ (see expand), bit for bit the same.
#include <algorithm>
#include <cmath>
#include <vector>

#include "idim/buffer.h"
#include "idim/rng.h"
#include "subspaces/projection_kinds.h"

namespace idim {
namespace {

// contract folds Πᵀ·G onto one block of 2^⌈log₂ d⌉ floats up to this size (each of
// scatter_sum_scaled's parts then sums into at most 32 KiB, in L1). Folding 2^18 entries on one
// thread took 172 µs onto 1,024 floats, 206 onto 8,192 and 241 onto 16,384, against 250 for the
// gather of the same permutation from 1 MB.
constexpr size_t kMaxFoldedBlock = size_t(1) << 13;

size_t power_of_two_at_least(size_t n) {
    size_t l = 1;
    while (l < n) l *= 2;
    return l;
}

class FastfoodProjection final : public Projection {
public:
    // The tables are drawn on the host, then kept in the backend's memory with the work buffers.
    FastfoodProjection(Backend& be, const ProjectionSpec& spec)
        : dim_full_(spec.dim_full), dim_sub_(spec.dim_sub), length_(power_of_two_at_least(dim_full_)),
          short_(power_of_two_at_least(dim_sub_)),
          folds_(short_ <= kMaxFoldedBlock && short_ < length_), work_(be, length_),
          mixed_(be, length_), lookup_(be, 2 * short_) {
        std::vector<float> sign(dim_sub_), gauss(length_), gauss_inverse(folds_ ? 0 : length_);
        std::vector<uint32_t> lookup_index(length_), contract_index(length_);
        CounterRng signs(spec.seed, Stream::fastfood_signs);
        for (size_t k = 0; k < dim_sub_; ++k) sign[k] = signs.bits(k)[0] & 1 ? -1.0f : 1.0f;
        std::vector<uint32_t> permutation(length_);
        random_permutation(CounterRng(spec.seed, Stream::fastfood_permutation), uint32_t(length_),
                           permutation.data());
        std::vector<double> g(length_);
        CounterRng(spec.seed, Stream::fastfood_gauss).normals(0, length_, g.data());
        double sum_sq = 0;
        for (double& v : g) {
            v = float(v);  // G is float32, as applied
            sum_sq += v * v;
        }
        // Every column of H·G·Π·H·B has squared norm L·ΣG²; keeping D of L rows keeps ≈ D/L of it.
        double scale = 1.0 / std::sqrt(double(length_) * sum_sq * (double(dim_full_) / length_));
        for (size_t k = 0; k < length_; ++k) gauss[k] = float(g[k] * scale);
        const uint32_t mask = uint32_t(short_ - 1), last_block = uint32_t(length_ - short_);
        for (size_t k = 0; k < length_; ++k) {
            const uint32_t from = permutation[k];
            lookup_index[k] = (from & mask) + (from >= last_block ? uint32_t(short_) : 0);
            if (folds_) {
                contract_index[k] = from & mask;
            } else {
                contract_index[from] = uint32_t(k);
                gauss_inverse[from] = gauss[k];
            }
        }
        sign_ = Buffer<float>(be, sign);
        gauss_ = Buffer<float>(be, gauss);
        gauss_inverse_ = Buffer<float>(be, gauss_inverse);
        lookup_index_ = Buffer<uint32_t>(be, lookup_index);
        contract_index_ = Buffer<uint32_t>(be, contract_index);
    }
    std::string name() const override { return "fastfood"; }
    size_t dim_full() const override { return dim_full_; }
    size_t dim_sub() const override { return dim_sub_; }
    size_t memory_bytes() const override {
        return (sign_.size() + gauss_.size() + gauss_inverse_.size() + work_.size() +
                mixed_.size() + lookup_.size()) *
                   sizeof(float) +
               (lookup_index_.size() + contract_index_.size()) * sizeof(uint32_t);
    }

    // y = E·H·G·Π·H·B·Z·x + βy (Z pads with zeros, E keeps the first D entries)
    void expand(Backend& be, const float* x, float beta, float* y) override {
        mix(be, x);
        be.axpby(dim_full_, 1.0f, mixed_.data(), beta, y);
    }
    // y = base + P·x in one pass: the same sums as copying base into y and adding 1·P·x + 1·y.
    void expand_onto(Backend& be, const float* x, const float* base, float* y) override {
        mix(be, x);
        be.add(dim_full_, base, mixed_.data(), y);
    }
    // x = Zᵀ·B·H·Πᵀ·G·H·Eᵀ·y (H, B and G are symmetric), of which only the first d entries of the
    // last transform are kept.
    void contract(Backend& be, const float* y, float* x) override {
        be.copy_padded(dim_full_, length_, y, nullptr, work_.data());
        be.walsh_hadamard(length_, work_.data());
        if (folds_) {
            // H_L = H_{L/S} ⊗ H_S and H_{L/S}'s first row is all ones: the first S entries of H_L·v
            // are H_S applied to the sum of v's L/S blocks. So Πᵀ·G·work goes straight into that
            // sum — work read in order, the writes into S floats — and one transform of S follows.
            be.scatter_sum_scaled(length_, contract_index_.data(), gauss_.data(), work_.data(),
                                  short_, mixed_.data());
            be.walsh_hadamard(short_, mixed_.data());
        } else {
            gather_and_transform_first_block(be);
        }
        be.multiply(dim_sub_, sign_.data(), mixed_.data(), x);
    }

private:
    size_t dim_full_, dim_sub_, length_, short_;   // short_: 2^⌈log₂ d⌉
    bool folds_;                            // contract folds onto short_ floats (see contract)
    Buffer<float> work_, mixed_;            // L floats each, reused by every call
    Buffer<float> lookup_;                  // expand: [H_S·B·x + 0; H_S·B·x] (2S floats)
    Buffer<float> sign_;                    // B (only the first d act on a padded x)
    Buffer<float> gauss_;                   // G, times the column scale
    Buffer<float> gauss_inverse_;           // not folding: gauss_[contract_index_[j]]
    Buffer<uint32_t> lookup_index_;         // (Π·v)_k = v[Π(k)], as an index into lookup_
    Buffer<uint32_t> contract_index_;       // folding: Π(k) mod short_; else (Πᵀ·v)_j = v[index[j]]

    // The first s ≥ d entries of H_L·Πᵀ·G·work, where s is too long to fold onto: Πᵀ as a gather
    // (mixed_[j] = G[k]·work_[k] for j = Π(k); a scatter's random writes would be 97% of contract's
    // profile). H_L's butterflies of strides < s run block by block, and of those of strides ≥ s
    // only the sums that reach the first block (row i += row i + h, i a multiple of 2h, over the
    // first d columns) — the same additions in the same order as the whole network.
    void gather_and_transform_first_block(Backend& be) {
        be.gather_scaled(length_, contract_index_.data(), work_.data(), gauss_inverse_.data(),
                         mixed_.data());
        const size_t s = std::max(short_, std::min<size_t>(length_, 1024));  // ≥ d; few calls
        be.walsh_hadamard_leading(length_, s, dim_sub_, mixed_.data());
    }

    // mixed_ = H·G·Π·H·B·Z·x, all L entries (P·x is the first D).
    // H_L·[v; 0] with v of length S = 2^⌈log₂ d⌉: the butterflies of strides < S give a = H_S·v in
    // the first S entries and leave the other blocks of S at +0; those of strides ≥ S then copy a
    // into every block, as a + 0 (−0 becomes +0) except into the last, which gets a itself. So
    // block k of H·B·Z·x is a + 0 for k < L/S − 1, and a for the last block. G·Π then looks up
    // [a + 0; a] (2S floats) at lookup_index_, which points Π(k) into the right half.
    void mix(Backend& be, const float* x) {
        be.copy_padded(dim_sub_, short_, x, sign_.data(), work_.data());
        be.walsh_hadamard(short_, work_.data());
        be.copy_twice(short_, work_.data(), lookup_.data());   // [a + 0; a]
        be.gather_scaled(length_, lookup_index_.data(), lookup_.data(), gauss_.data(),
                         mixed_.data());
        be.walsh_hadamard(length_, mixed_.data());
    }
};

}  // namespace

std::unique_ptr<Projection> make_fastfood(Backend& be, const ProjectionSpec& spec) {
    return std::make_unique<FastfoodProjection>(be, spec);
}

}  // namespace idim
