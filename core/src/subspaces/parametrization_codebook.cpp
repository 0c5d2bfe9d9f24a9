// Fine-tuning a quantised θ_d (bound.h): the trainable vector is the codebook, θ_d its gather by
// the fixed codes, and the codebook's gradient the scatter-sum of θ_d's gradient by code. The
// assignments never change, so the trained model stays exactly describable by the same codes.
#include <string>

#include "idim/bound.h"
#include "idim/error.h"

namespace idim {
namespace {

class CodebookParametrization final : public Parametrization {
public:
    CodebookParametrization(Backend& be, Parametrization& inner, const Quantised& q)
        : inner_(inner), levels_(q.codebook.size()),
          start_(be, std::span<const float>(q.codebook)), codes_(be, std::span<const uint32_t>(q.codes)),
          ones_(be, std::vector<float>(q.codes.size(), 1.0f)), sub_(be, q.codes.size()),
          dsub_(be, q.codes.size()) {
        require(q.codes.size() == inner_.trainable_count(), "codebook: ", q.codes.size(),
                " codes for a trainable vector of ", inner_.trainable_count());
        for (uint32_t c : q.codes) require(c < levels_, "codebook: code ", c, " beyond ", levels_);
    }
    std::string name() const override { return inner_.name() + "/codebook" + std::to_string(levels_); }
    size_t trainable_count() const override { return levels_; }
    size_t memory_bytes() const override {
        return inner_.memory_bytes() + codes_.size() * (2 * sizeof(float) + sizeof(uint32_t)) +
               ones_.size() * sizeof(float);
    }
    void init_trainable(Backend& be, float* trainable) const override {
        be.copy(levels_, start_.data(), trainable);
    }
    void expand(Backend& be, const float* trainable, float* theta) override {
        be.gather_scaled(codes_.size(), codes_.data(), trainable, ones_.data(), sub_.data());
        inner_.expand(be, sub_.data(), theta);
    }
    // dcodebook_j = Σ_{i: codes_i = j} dθ_d,i
    void contract(Backend& be, const float*, const float* dtheta, float* dtrainable) override {
        inner_.contract(be, sub_.data(), dtheta, dsub_.data());
        be.scatter_sum_scaled(codes_.size(), codes_.data(), ones_.data(), dsub_.data(), levels_,
                              dtrainable);
    }

private:
    Parametrization& inner_;
    size_t levels_;
    Buffer<float> start_;        // the codebook k-means found (levels)
    Buffer<uint32_t> codes_;     // (d)
    Buffer<float> ones_;         // (d): the unit scales gather and scatter-sum take
    Buffer<float> sub_, dsub_;   // θ_d of the last expand and its gradient (d)
};

}  // namespace

std::unique_ptr<Parametrization> codebook_parametrization(Backend& be, Parametrization& inner,
                                                          const Quantised& start) {
    return std::make_unique<CodebookParametrization>(be, inner, start);
}

}  // namespace idim
