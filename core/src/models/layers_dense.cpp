// Fully connected layer: y = x·W + b with W stored (in, units) as Keras does.
#include "idim/error.h"
#include "idim/model.h"

namespace idim {
namespace {

class Dense final : public Layer {
public:
    Dense(Shape in, int units) : in_(int(in.size())), units_(units) {
        require(units >= 1, "dense layer: units must be at least 1, got " + std::to_string(units));
    }
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Dense>(*this); }
    std::string describe() const override {
        return "dense " + std::to_string(in_) + "->" + std::to_string(units_);
    }
    Shape output_shape() const override { return {1, 1, units_}; }
    std::vector<ParamGroup> param_groups() const override {
        return {{"kernel", 0, size_t(in_) * units_, true, in_},
                {"bias", size_t(in_) * units_, size_t(units_), false, in_}};
    }

    // x (n, in), W (in, units), y (n, units)
    void forward(Backend& be, const float* params, int n, const float* x, float* y) override {
        be.gemm(Transpose::no, Transpose::no, n, units_, in_, 1.0f, x, in_, params, units_, 0.0f,
                y, units_);
        be.add_bias(n, units_, params + size_t(in_) * units_, y);
    }
    bool forward_relu(Backend& be, const float* params, int n, const float* x, float* y,
                      float* relu_y) override {
        be.gemm(Transpose::no, Transpose::no, n, units_, in_, 1.0f, x, in_, params, units_, 0.0f,
                y, units_);
        be.add_bias_relu(n, units_, params + size_t(in_) * units_, y, relu_y);
        return true;
    }

    // dW = xᵀ·dy; db = Σ_rows dy; dx = dy·Wᵀ
    void backward(Backend& be, const float* params, int n, const float* x, const float*,
                  const float* dy, float* dx, float* dparams) override {
        be.gemm(Transpose::yes, Transpose::no, in_, units_, n, 1.0f, x, in_, dy, units_, 0.0f,
                dparams, units_);
        float* dbias = dparams + size_t(in_) * units_;
        be.column_sums(n, units_, dy, dbias);
        if (dx)
            be.gemm(Transpose::no, Transpose::yes, n, in_, units_, 1.0f, dy, units_, params,
                    units_, 0.0f, dx, in_);
    }

private:
    int in_, units_;
};

}  // namespace

std::unique_ptr<Layer> dense_layer(Shape in, int units) {
    return std::make_unique<Dense>(in, units);
}

}  // namespace idim
