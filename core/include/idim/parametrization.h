// How the trained vector maps to θ. Full training: θ is trained directly. Subspace training:
// θ = θ0 + P·θ_d with θ_d (d) starting at zero and g_d = Pᵀ·∇θL. SAID (Aghajanyan et al. 2021):
// θ_i = θ0_i + λ_g·(P·θ_{d−m})_i for i in parameter group g, with m scales λ (initialised to 1)
// trained beside θ_{d−m}, so d counts the λs too.
#pragma once
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "idim/backend.h"
#include "idim/buffer.h"
#include "idim/projection.h"

namespace idim {

class Parametrization {
public:
    virtual ~Parametrization() = default;
    virtual std::string name() const = 0;   // "full", or P's name: "fastfood", "said/dense-tiled"
    virtual size_t trainable_count() const = 0;               // D (full) or d (subspace)
    // What it keeps between calls besides θ0: P and its buffers.
    virtual size_t memory_bytes() const { return 0; }
    // Arrays are in the memory of the backend the parametrization was made for (which is the one
    // to pass to its calls).
    virtual void init_trainable(Backend& be, float* trainable) const = 0;  // θ0, or zeros (SAID: λ = 1)
    // θ (D) from the trainable vector
    virtual void expand(Backend& be, const float* trainable, float* theta) = 0;
    // gradient of the trainable vector from dθ (D), at the trainable vector of the last expand
    // (what a training step does): SAID reuses the P·θ_{d−m} that expand made.
    virtual void contract(Backend& be, const float* trainable, const float* dtheta,
                          float* dtrainable) = 0;
    // Full training: the trainable vector is θ itself, so a trainer may use it as θ and its
    // gradient as dθ and skip expand and contract, which would only copy D floats each.
    virtual bool trainable_is_theta() const { return false; }
};

// theta0 is uploaded to be's memory and kept (D floats).
std::unique_ptr<Parametrization> full_parametrization(Backend& be, std::span<const float> theta0);
std::unique_ptr<Parametrization> subspace_parametrization(Backend& be, std::span<const float> theta0,
                                                          std::unique_ptr<Projection> projection);
// projection has dim_sub = d − groups.size() (subspace.h's make_parametrization builds it so).
std::unique_ptr<Parametrization> said_parametrization(Backend& be, std::span<const float> theta0,
                                                      std::unique_ptr<Projection> projection,
                                                      std::vector<ParamGroup> groups);

// LoRA (Hu et al. 2021): each kernel group (a matrix of fan_in rows) of θ0 gets a trained update
// (α/rank)·(B·A)ᵀ with A (rank, fan_in) Gaussian from the seed and B zero; biases are frozen.
// The trainable vector holds, per kernel in θ order, A then B: Σ rank·(rows + cols) numbers.
// Hu et al. set α to the first rank they try and keep it; idim keeps one α for every rank.
// The rank is at most the largest min(in, out) of the kernels: no update gains rank above it.
constexpr double default_lora_alpha = 1.0;
std::unique_ptr<Parametrization> lora_parametrization(Backend& be, std::span<const float> theta0,
                                                      const std::vector<ParamGroup>& groups,
                                                      int rank, double alpha, uint64_t seed);
// The trainable count of that LoRA (throws idim::Error for a rank out of range or no kernel).
size_t lora_trainable_count(const std::vector<ParamGroup>& groups, size_t dim_full, int rank);

}  // namespace idim
