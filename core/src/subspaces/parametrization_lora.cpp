// LoRA (Hu et al. 2021) as a parametrization: every weight matrix W of θ0 (a dense kernel, or a
// convolution's kernel seen as a (kh·kw·channels, filters) matrix) becomes W0 + (α/r)·ΔW with
// ΔW = (B·A)ᵀ of rank r; A (r, in) is Gaussian and B (out, r) zero, so training starts at θ0.
// Only A and B train; biases stay at θ0, as Hu et al. adapt weights only. Every product is a
// backend gemm, so LoRA runs on every backend.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "idim/error.h"
#include "idim/parametrization.h"
#include "idim/rng.h"

namespace idim {
namespace {

// One adapted matrix. θ stores a dense kernel as (in, out) with y = x·W, which is the transpose
// of Hu et al.'s W (out, in) with h = W·x; their update B·A is therefore (B·A)ᵀ = Aᵀ·Bᵀ here.
struct Adapted {
    size_t theta_offset;   // of the kernel in θ
    int in, out;           // the kernel is (in, out) in θ
    size_t a_offset;       // of A (r, in) in the trainable vector; B (out, r) follows it
};

std::vector<Adapted> adapted_matrices(size_t dim_full, const std::vector<ParamGroup>& groups,
                                      int rank) {
    require(rank >= 1, "LoRA: the rank must be at least 1, got ", rank);
    std::vector<Adapted> out;
    size_t next = 0;
    for (const ParamGroup& g : groups) {
        require(g.offset + g.size <= dim_full, "LoRA: parameter group '", g.name,
                "' lies outside θ");
        if (!g.is_kernel) continue;
        require(g.fan_in >= 1 && g.size % size_t(g.fan_in) == 0, "LoRA: kernel '", g.name,
                "' of ", g.size, " parameters is not a matrix with ", g.fan_in, " rows");
        const int in = g.fan_in, cols = int(g.size / size_t(g.fan_in));
        out.push_back({g.offset, in, cols, next});
        next += size_t(rank) * (size_t(in) + size_t(cols));
    }
    require(!out.empty(), "LoRA: the network has no weight matrix to adapt");
    // A matrix's update B·A has rank at most min(in, out), so a rank above a matrix's min(in, out)
    // adds numbers but no update that matrix could not already take; above the largest such
    // limit no matrix gains anything, and the trainable vector only grows (rank 100,000 on FC
    // would be 160 million numbers). Ranks between the smallest and the largest limit still give
    // the larger matrices more room, so they stay allowed.
    const Adapted* widest = &out.front();
    for (const Adapted& m : out)
        if (std::min(m.in, m.out) > std::min(widest->in, widest->out)) widest = &m;
    const int limit = std::min(widest->in, widest->out);
    require(rank <= limit, "LoRA: the rank must be at most ", limit, ", got ", rank, ": a matrix's "
            "update has rank at most min(in, out), and ", limit, " is the largest of the adapted "
            "matrices' (", widest->in, " × ", widest->out, "), so a larger rank adds only parameters");
    return out;
}

class LoraParametrization final : public Parametrization {
public:
    LoraParametrization(Backend& be, std::span<const float> theta0,
                        const std::vector<ParamGroup>& groups, int rank, double alpha,
                        uint64_t seed)
        : matrices_(adapted_matrices(theta0.size(), groups, rank)), rank_(rank),
          scale_(float(alpha / rank)), theta0_(be, theta0),
          start_(be, initial_values(seed)) {
        require(std::isfinite(alpha) && alpha > 0, "LoRA: α must be positive, got ", alpha);
    }
    std::string name() const override { return "lora-r" + std::to_string(rank_); }
    size_t trainable_count() const override { return start_.size(); }
    size_t memory_bytes() const override { return start_.size() * sizeof(float); }
    void init_trainable(Backend& be, float* trainable) const override {
        be.copy(start_.size(), start_.data(), trainable);
    }
    // θ = θ0, then each kernel (in, out) += s·Aᵀ(in, r)·Bᵀ(r, out) with s = α/r.
    void expand(Backend& be, const float* trainable, float* theta) override {
        be.copy(theta0_.size(), theta0_.data(), theta);
        for (const Adapted& m : matrices_) {
            const float* a = trainable + m.a_offset;
            const float* b = a + size_t(rank_) * m.in;
            be.gemm(Transpose::yes, Transpose::yes, m.in, m.out, rank_, scale_, a, m.in, b, rank_,
                    1.0f, theta + m.theta_offset, m.out);
        }
    }
    // With G = dθ of a kernel (in, out) and ΔW = s·Aᵀ·Bᵀ: dA (r, in) = s·Bᵀ·Gᵀ and
    // dB (out, r) = s·Gᵀ·Aᵀ. Biases are not trained, so their dθ is not read.
    void contract(Backend& be, const float* trainable, const float* dtheta,
                  float* dtrainable) override {
        for (const Adapted& m : matrices_) {
            const float* a = trainable + m.a_offset;
            const float* b = a + size_t(rank_) * m.in;
            const float* g = dtheta + m.theta_offset;
            float* da = dtrainable + m.a_offset;
            float* db = da + size_t(rank_) * m.in;
            be.gemm(Transpose::yes, Transpose::yes, rank_, m.in, m.out, scale_, b, rank_, g, m.out,
                    0.0f, da, m.in);
            be.gemm(Transpose::yes, Transpose::yes, m.out, rank_, m.in, scale_, g, m.out, a, m.in,
                    0.0f, db, rank_);
        }
    }

private:
    std::vector<Adapted> matrices_;
    int rank_;
    float scale_;
    Buffer<float> theta0_;
    Buffer<float> start_;   // the trainable vector at the start: A Gaussian, B zero

    // A ~ N(0, 1/in) entry-wise (Hu et al.: "a random Gaussian initialization for A"; the
    // variance of a fan-in initialisation), drawn from the seed's LoRA stream at A's position
    // in the trainable vector; B = 0.
    std::vector<float> initial_values(uint64_t seed) const {
        const Adapted& last = matrices_.back();
        std::vector<float> start(last.a_offset + size_t(rank_) * (size_t(last.in) + last.out), 0.0f);
        const CounterRng rng(seed, Stream::lora);
        std::vector<double> normals;
        for (const Adapted& m : matrices_) {
            normals.resize(size_t(rank_) * m.in);
            rng.normals(m.a_offset, normals.size(), normals.data());
            const double stddev = 1.0 / std::sqrt(double(m.in));
            for (size_t i = 0; i < normals.size(); ++i)
                start[m.a_offset + i] = float(stddev * normals[i]);
        }
        return start;
    }
};

}  // namespace

size_t lora_trainable_count(const std::vector<ParamGroup>& groups, size_t dim_full, int rank) {
    size_t count = 0;
    for (const Adapted& m : adapted_matrices(dim_full, groups, rank))
        count += size_t(rank) * (size_t(m.in) + size_t(m.out));
    return count;
}

std::unique_ptr<Parametrization> lora_parametrization(Backend& be, std::span<const float> theta0,
                                                      const std::vector<ParamGroup>& groups,
                                                      int rank, double alpha, uint64_t seed) {
    return std::make_unique<LoraParametrization>(be, theta0, groups, rank, alpha, seed);
}

}  // namespace idim
