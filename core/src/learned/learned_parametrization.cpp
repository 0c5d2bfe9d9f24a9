// IST (Qin et al. 2021) as a parametrization: θ = θ0 + P·dec(v) with only v trained. Its
// gradient is the chain rule through P and the decoder: ∂v = J_dec(v)ᵀ·Pᵀ·∇θ.
#include <cmath>
#include <vector>

#include "idim/buffer.h"
#include "idim/error.h"
#include "idim/learned_subspace.h"
#include "idim/rng.h"

namespace idim {
namespace {

class LearnedParametrization final : public Parametrization {
public:
    LearnedParametrization(Backend& be, std::span<const float> theta0,
                           std::unique_ptr<Projection> projection, Decoder decoder,
                           uint64_t v_seed, double init_stddev)
        : decoder_((check_decoder(decoder), std::move(decoder))), theta0_(be, theta0), projection_(std::move(projection)),
          start_(be, initial_v(v_seed, init_stddev)), x_(be, size_t(decoder_.dim_out)),
          v_host_(size_t(decoder_.dim_in)), x_host_(size_t(decoder_.dim_out)) {
        require(projection_ && projection_->dim_full() == theta0.size(),
                "learned subspace: the projection does not map to the ", theta0.size(),
                " parameters of θ0");
        require(projection_->dim_sub() == size_t(decoder_.dim_out), "learned subspace: the "
                "decoder writes D' = ", decoder_.dim_out, " numbers but P has ",
                projection_->dim_sub(), " columns");
    }
    std::string name() const override {
        return "learned-" + to_string(decoder_.kind) + "/" + projection_->name();
    }
    size_t trainable_count() const override { return size_t(decoder_.dim_in); }
    size_t memory_bytes() const override {
        return projection_->memory_bytes() + decoder_.weights.size() * sizeof(float);
    }
    void init_trainable(Backend& be, float* trainable) const override {
        be.copy(start_.size(), start_.data(), trainable);
    }
    void expand(Backend& be, const float* trainable, float* theta) override {
        be.download(trainable, v_host_.size() * sizeof(float), v_host_.data());
        decode(decoder_, v_host_.data(), x_host_.data());
        x_.upload(x_host_);
        projection_->expand_onto(be, x_.data(), theta0_.data(), theta);
    }
    void contract(Backend& be, const float* trainable, const float* dtheta,
                  float* dtrainable) override {
        be.download(trainable, v_host_.size() * sizeof(float), v_host_.data());
        projection_->contract(be, dtheta, x_.data());   // Pᵀ·∇θ (D')
        be.download(x_.data(), x_host_.size() * sizeof(float), x_host_.data());
        std::vector<float> gv(v_host_.size());
        decode_backward(decoder_, v_host_.data(), x_host_.data(), gv.data(), nullptr);
        be.upload(gv.data(), gv.size() * sizeof(float), dtrainable);
    }

private:
    Decoder decoder_;
    Buffer<float> theta0_;
    std::unique_ptr<Projection> projection_;
    Buffer<float> start_, x_;                  // v's start (d_I); dec(v) or Pᵀ·∇θ (D')
    std::vector<float> v_host_, x_host_;

    std::vector<float> initial_v(uint64_t seed, double stddev) const {
        require(std::isfinite(stddev) && stddev >= 0, "learned subspace: the standard deviation "
                "of v's start must be a non-negative number, got ", stddev);
        std::vector<double> normals(size_t(decoder_.dim_in));
        CounterRng(seed, Stream::learned).normals(0, normals.size(), normals.data());
        std::vector<float> v(normals.size());
        for (size_t i = 0; i < v.size(); ++i) v[i] = float(stddev * normals[i]);
        return v;
    }
};

}  // namespace

std::unique_ptr<Parametrization> learned_parametrization(Backend& be, std::span<const float> theta0,
                                                         std::unique_ptr<Projection> projection,
                                                         Decoder decoder, uint64_t v_seed,
                                                         double init_stddev) {
    return std::make_unique<LearnedParametrization>(be, theta0, std::move(projection),
                                                    std::move(decoder), v_seed, init_stddev);
}

}  // namespace idim
