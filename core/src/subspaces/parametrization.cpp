// The three ways the trained vector becomes θ: full (θ itself), subspace (θ0 + P·θ_d, Li et al.
// 2018) and SAID (θ0 + λ_g·P·θ_{d−m} per parameter group g, Aghajanyan et al. 2021). Each gives
// the gradient of its trainable vector from dθ by the chain rule, in backend operations only.
#include <string>

#include "idim/error.h"
#include "idim/parametrization.h"

namespace idim {
namespace {

class FullParametrization final : public Parametrization {
public:
    FullParametrization(Backend& be, std::span<const float> theta0) : theta0_(be, theta0) {}
    std::string name() const override { return "full"; }
    size_t trainable_count() const override { return theta0_.size(); }
    void init_trainable(Backend& be, float* trainable) const override {
        be.copy(theta0_.size(), theta0_.data(), trainable);
    }
    void expand(Backend& be, const float* trainable, float* theta) override {
        be.copy(theta0_.size(), trainable, theta);
    }
    void contract(Backend& be, const float*, const float* dtheta, float* dtrainable) override {
        be.copy(theta0_.size(), dtheta, dtrainable);
    }
    bool trainable_is_theta() const override { return true; }

private:
    Buffer<float> theta0_;
};

void check_projection(std::span<const float> theta0, const Projection* projection) {
    require(projection != nullptr, "parametrization: no projection given");
    require(projection->dim_full() == theta0.size(), "parametrization: the projection maps to ",
            projection->dim_full(), " parameters but θ0 has ", theta0.size());
}

class SubspaceParametrization final : public Parametrization {
public:
    SubspaceParametrization(Backend& be, std::span<const float> theta0,
                            std::unique_ptr<Projection> projection)
        : theta0_((check_projection(theta0, projection.get()), Buffer<float>(be, theta0))),
          projection_(std::move(projection)) {}
    std::string name() const override { return projection_->name(); }
    size_t memory_bytes() const override { return projection_->memory_bytes(); }
    size_t trainable_count() const override { return projection_->dim_sub(); }
    void init_trainable(Backend& be, float* trainable) const override {
        be.fill(projection_->dim_sub(), 0.0f, trainable);
    }
    void expand(Backend& be, const float* trainable, float* theta) override {  // θ0 + P·θ_d
        projection_->expand_onto(be, trainable, theta0_.data(), theta);
    }
    void contract(Backend& be, const float*, const float* dtheta, float* dtrainable) override {
        projection_->contract(be, dtheta, dtrainable);  // g_d = Pᵀ·dθ
    }

private:
    Buffer<float> theta0_;
    std::unique_ptr<Projection> projection_;
};

void check_groups(std::span<const float> theta0, const std::vector<ParamGroup>& groups) {
    require(!groups.empty(), "SAID: needs at least one parameter group");
    size_t next = 0;
    for (const ParamGroup& g : groups) {
        require(g.offset == next && g.size >= 1,
                "SAID: parameter group '" + g.name + "' does not follow the previous one");
        next += g.size;
    }
    require(next == theta0.size(), "SAID: parameter groups cover ", next, " of ", theta0.size(),
            " parameters");
}

// Trainable layout: [θ_{d−m} (d − m), λ (m)].
class SaidParametrization final : public Parametrization {
public:
    SaidParametrization(Backend& be, std::span<const float> theta0,
                        std::unique_ptr<Projection> projection, std::vector<ParamGroup> groups)
        : theta0_((check_projection(theta0, projection.get()), check_groups(theta0, groups),
                   Buffer<float>(be, theta0))),
          projection_(std::move(projection)), groups_(std::move(groups)),
          projected_(be, theta0.size()), scaled_(be, theta0.size()) {}
    std::string name() const override { return "said/" + projection_->name(); }
    size_t memory_bytes() const override {
        return projection_->memory_bytes() + (projected_.size() + scaled_.size()) * sizeof(float);
    }
    size_t trainable_count() const override { return sub() + groups_.size(); }
    void init_trainable(Backend& be, float* trainable) const override {
        be.fill(sub(), 0.0f, trainable);
        be.fill(groups_.size(), 1.0f, trainable + sub());
    }
    void expand(Backend& be, const float* trainable, float* theta) override {
        projection_->expand(be, trainable, 0.0f, projected_.data());   // P·θ_{d−m}
        const float* lambda = trainable + sub();
        for (size_t g = 0; g < groups_.size(); ++g) {
            const size_t at = groups_[g].offset;
            be.scaled_add(groups_[g].size, lambda + g, projected_.data() + at, theta0_.data() + at,
                          theta + at);
        }
    }
    // dθ_{d−m} = Pᵀ·(λ ⊙ dθ) and dλ_g = Σ_{i∈g} (P·θ_{d−m})_i·dθ_i, with P·θ_{d−m} from expand.
    void contract(Backend& be, const float* trainable, const float* dtheta,
                  float* dtrainable) override {
        const float* lambda = trainable + sub();
        for (size_t g = 0; g < groups_.size(); ++g) {
            const size_t at = groups_[g].offset, n = groups_[g].size;
            be.scaled_add(n, lambda + g, dtheta + at, nullptr, scaled_.data() + at);
            be.dot_into(n, projected_.data() + at, dtheta + at, dtrainable + sub() + g);
        }
        projection_->contract(be, scaled_.data(), dtrainable);
    }

private:
    Buffer<float> theta0_;
    std::unique_ptr<Projection> projection_;
    std::vector<ParamGroup> groups_;
    Buffer<float> projected_;   // P·θ_{d−m} (D) of the last expand
    Buffer<float> scaled_;      // λ ⊙ dθ (D)

    size_t sub() const { return projection_->dim_sub(); }
};

}  // namespace

std::unique_ptr<Parametrization> full_parametrization(Backend& be, std::span<const float> theta0) {
    return std::make_unique<FullParametrization>(be, theta0);
}

std::unique_ptr<Parametrization> subspace_parametrization(Backend& be, std::span<const float> theta0,
                                                          std::unique_ptr<Projection> projection) {
    return std::make_unique<SubspaceParametrization>(be, theta0, std::move(projection));
}

std::unique_ptr<Parametrization> said_parametrization(Backend& be, std::span<const float> theta0,
                                                      std::unique_ptr<Projection> projection,
                                                      std::vector<ParamGroup> groups) {
    return std::make_unique<SaidParametrization>(be, theta0, std::move(projection),
                                                 std::move(groups));
}

}  // namespace idim
