// The three ways the trained vector becomes θ: full (θ itself), subspace (θ0 + P·θ_d, Li et al.
// 2018) and SAID (θ0 + λ_g·P·θ_{d−m} per parameter group g, Aghajanyan et al. 2021). Each gives
// the gradient of its trainable vector from dθ by the chain rule.
#include <algorithm>
#include <cstring>
#include <string>

#include "idim/aligned_floats.h"
#include "idim/error.h"
#include "idim/parametrization.h"

namespace idim {
namespace {

class FullParametrization final : public Parametrization {
public:
    explicit FullParametrization(std::vector<float> theta0) : theta0_(std::move(theta0)) {}
    std::string name() const override { return "full"; }
    size_t trainable_count() const override { return theta0_.size(); }
    void init_trainable(float* trainable) const override {
        std::copy(theta0_.begin(), theta0_.end(), trainable);
    }
    void expand(Backend& be, const float* trainable, float* theta) override {
        be.copy(theta0_.size(), trainable, theta);
    }
    void contract(Backend& be, const float*, const float* dtheta, float* dtrainable) override {
        be.copy(theta0_.size(), dtheta, dtrainable);
    }
    bool trainable_is_theta() const override { return true; }

private:
    std::vector<float> theta0_;
};

void check_projection(const std::vector<float>& theta0, const Projection* projection) {
    require(projection != nullptr, "parametrization: no projection given");
    require(projection->dim_full() == theta0.size(),
            "parametrization: the projection maps to " + std::to_string(projection->dim_full()) +
                " parameters but θ0 has " + std::to_string(theta0.size()));
}

class SubspaceParametrization final : public Parametrization {
public:
    SubspaceParametrization(std::vector<float> theta0, std::unique_ptr<Projection> projection)
        : theta0_(std::move(theta0)), projection_(std::move(projection)) {
        check_projection(theta0_, projection_.get());
    }
    std::string name() const override { return projection_->name(); }
    size_t memory_bytes() const override { return projection_->memory_bytes(); }
    size_t trainable_count() const override { return projection_->dim_sub(); }
    void init_trainable(float* trainable) const override {
        std::fill(trainable, trainable + projection_->dim_sub(), 0.0f);
    }
    void expand(Backend& be, const float* trainable, float* theta) override {  // θ0 + P·θ_d
        projection_->expand_onto(be, trainable, theta0_.data(), theta);
    }
    void contract(Backend& be, const float*, const float* dtheta, float* dtrainable) override {
        projection_->contract(be, dtheta, dtrainable);  // g_d = Pᵀ·dθ
    }

private:
    std::vector<float> theta0_;
    std::unique_ptr<Projection> projection_;
};

// Trainable layout: [θ_{d−m} (d − m), λ (m)].
class SaidParametrization final : public Parametrization {
public:
    SaidParametrization(std::vector<float> theta0, std::unique_ptr<Projection> projection,
                        std::vector<ParamGroup> groups)
        : theta0_(std::move(theta0)), projection_(std::move(projection)), groups_(std::move(groups)),
          projected_(theta0_.size()), scaled_(theta0_.size()) {
        check_projection(theta0_, projection_.get());
        require(!groups_.empty(), "SAID: needs at least one parameter group");
        size_t next = 0;
        for (const ParamGroup& g : groups_) {
            require(g.offset == next && g.size >= 1,
                    "SAID: parameter group '" + g.name + "' does not follow the previous one");
            next += g.size;
        }
        require(next == theta0_.size(), "SAID: parameter groups cover " + std::to_string(next) +
                                            " of " + std::to_string(theta0_.size()) + " parameters");
    }
    std::string name() const override { return "said/" + projection_->name(); }
    size_t memory_bytes() const override {
        return projection_->memory_bytes() + (projected_.size() + scaled_.size()) * sizeof(float);
    }
    size_t trainable_count() const override { return sub() + groups_.size(); }
    void init_trainable(float* trainable) const override {
        std::fill(trainable, trainable + sub(), 0.0f);
        std::fill(trainable + sub(), trainable + trainable_count(), 1.0f);
    }
    void expand(Backend& be, const float* trainable, float* theta) override {
        const float* lambda = project(be, trainable);
        for (size_t g = 0; g < groups_.size(); ++g)
            for (size_t i = groups_[g].offset; i < groups_[g].offset + groups_[g].size; ++i)
                theta[i] = theta0_[i] + lambda[g] * projected_[i];
    }
    // dθ_{d−m} = Pᵀ·(λ ⊙ dθ) and dλ_g = Σ_{i∈g} (P·θ_{d−m})_i·dθ_i
    void contract(Backend& be, const float* trainable, const float* dtheta,
                  float* dtrainable) override {
        const float* lambda = project(be, trainable);
        for (size_t g = 0; g < groups_.size(); ++g) {
            const ParamGroup& group = groups_[g];
            be.axpby(group.size, lambda[g], dtheta + group.offset, 0.0f, scaled_.data() + group.offset);
            dtrainable[sub() + g] =
                float(be.dot(group.size, projected_.data() + group.offset, dtheta + group.offset));
        }
        projection_->contract(be, scaled_.data(), dtrainable);
    }

private:
    std::vector<float> theta0_;
    std::unique_ptr<Projection> projection_;
    std::vector<ParamGroup> groups_;
    AlignedFloats projected_;          // P·θ_{d−m} (D) for last_input_
    AlignedFloats scaled_;             // λ ⊙ dθ (D)
    std::vector<float> last_input_;    // the θ_{d−m} that projected_ belongs to

    size_t sub() const { return projection_->dim_sub(); }
    // Makes projected_ = P·θ_{d−m}, reusing the last one when θ_{d−m} has not changed (contract
    // usually follows expand at the same point); returns λ.
    const float* project(Backend& be, const float* trainable) {
        size_t bytes = sub() * sizeof(float);
        if (last_input_.size() != sub() || std::memcmp(last_input_.data(), trainable, bytes) != 0) {
            projection_->expand(be, trainable, 0.0f, projected_.data());
            last_input_.assign(trainable, trainable + sub());
        }
        return trainable + sub();
    }
};

}  // namespace

std::unique_ptr<Parametrization> full_parametrization(std::vector<float> theta0) {
    return std::make_unique<FullParametrization>(std::move(theta0));
}

std::unique_ptr<Parametrization> subspace_parametrization(std::vector<float> theta0,
                                                          std::unique_ptr<Projection> projection) {
    return std::make_unique<SubspaceParametrization>(std::move(theta0), std::move(projection));
}

std::unique_ptr<Parametrization> said_parametrization(std::vector<float> theta0,
                                                      std::unique_ptr<Projection> projection,
                                                      std::vector<ParamGroup> groups) {
    return std::make_unique<SaidParametrization>(std::move(theta0), std::move(projection),
                                                 std::move(groups));
}

}  // namespace idim
