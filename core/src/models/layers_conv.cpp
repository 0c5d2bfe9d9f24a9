// 2-D convolution (the backend's, over the whole batch; its input gradient a matrix product and
// col2im) and max pooling, NHWC. The kernel is stored (kh·kw·channels, filters), Keras's
// (kh, kw, c, filters) flattened.
#include <algorithm>

#include "idim/error.h"
#include "idim/model.h"

namespace idim {
namespace {

class Conv2d final : public Layer {
public:
    Conv2d(Shape in, int filters, int kernel, Padding padding, int stride)
        : in_(in), filters_(filters), kernel_(kernel), stride_(stride),
          pad_(padding == Padding::same ? (kernel - 1) / 2 : 0) {
        require(filters >= 1 && kernel >= 1 && stride >= 1,
                "conv2d: filters, kernel and stride must be at least 1");
        require(padding == Padding::valid || kernel % 2 == 1,
                "conv2d: same padding needs an odd kernel size, got " + std::to_string(kernel));
        require(in.height + 2 * pad_ >= kernel && in.width + 2 * pad_ >= kernel,
                "conv2d: kernel " + std::to_string(kernel) + " is larger than the input " +
                    std::to_string(in.height) + "x" + std::to_string(in.width));
    }
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Conv2d>(*this); }
    std::string describe() const override {
        return "conv " + std::to_string(filters_) + "@" + std::to_string(kernel_) + "x" +
               std::to_string(kernel_) + (pad_ ? " same" : " valid");
    }
    Shape output_shape() const override {
        ConvGeometry g = geometry(1);
        return {g.out_h(), g.out_w(), filters_};
    }
    std::vector<ParamGroup> param_groups() const override {
        size_t k = patch();
        return {{"kernel", 0, k * filters_, true, int(k)},
                {"bias", k * filters_, size_t(filters_), false, int(k)}};
    }

    // y (n·oh·ow, filters) = windows(x)·K + b
    void forward(Backend& be, const float* params, int n, const float* x, float* y) override {
        ConvGeometry g = geometry(n);
        be.conv_forward(g, filters_, x, params, y);
        be.add_bias(n * g.out_h() * g.out_w(), filters_, params + patch() * filters_, y);
    }
    bool forward_relu(Backend& be, const float* params, int n, const float* x, float* y,
                      float* relu_y) override {
        ConvGeometry g = geometry(n);
        be.conv_forward(g, filters_, x, params, y);
        be.add_bias_relu(n * g.out_h() * g.out_w(), filters_, params + patch() * filters_, y,
                         relu_y);
        return true;
    }

    // dK = windows(x)ᵀ·dy; db = Σ_rows dy; dx = col2im(dy·Kᵀ)
    void backward(Backend& be, const float* params, int n, const float* x, const float*,
                  const float* dy, float* dx, float* dparams) override {
        ConvGeometry g = geometry(n);
        int rows = n * g.out_h() * g.out_w(), k = int(patch());
        be.conv_kernel_gradient(g, filters_, x, dy, dparams);
        float* dbias = dparams + patch() * filters_;
        be.column_sums(rows, filters_, dy, dbias);
        if (!dx) return;
        float* dcols = dcols_.get(be, size_t(rows) * k);
        be.gemm(Transpose::no, Transpose::yes, rows, k, filters_, 1.0f, dy, filters_, params,
                filters_, 0.0f, dcols, k);
        be.fill(size_t(n) * in_.size(), 0.0f, dx);
        be.col2im(g, dcols, dx);
    }

private:
    Shape in_;
    int filters_, kernel_, stride_, pad_;
    Workspace<float> dcols_;
    size_t patch() const { return size_t(kernel_) * kernel_ * in_.channels; }
    ConvGeometry geometry(int n) const {
        return {n, in_.height, in_.width, in_.channels, kernel_, kernel_, stride_, pad_};
    }
};

class MaxPool2d final : public Layer {
public:
    MaxPool2d(Shape in, int pool) : in_(in), pool_(pool) {
        require(pool >= 1 && in.height >= pool && in.width >= pool,
                "maxpool: window " + std::to_string(pool) + " does not fit the input " +
                    std::to_string(in.height) + "x" + std::to_string(in.width));
    }
    std::unique_ptr<Layer> clone() const override { return std::make_unique<MaxPool2d>(*this); }
    std::string describe() const override { return "maxpool " + std::to_string(pool_); }
    Shape output_shape() const override { return {in_.height / pool_, in_.width / pool_, in_.channels}; }

    void forward(Backend& be, const float*, int n, const float* x, float* y) override {
        be.maxpool_forward(geometry(n), x, y, argmax_.get(be, size_t(n) * output_shape().size()));
    }
    // dx = dy routed to the input that won each window
    void backward(Backend& be, const float*, int n, const float*, const float*, const float* dy,
                  float* dx, float*) override {
        if (!dx) return;
        be.fill(size_t(n) * in_.size(), 0.0f, dx);
        const size_t n_out = size_t(n) * output_shape().size();
        be.maxpool_backward(geometry(n), n_out, dy, argmax_.get(be, n_out), dx);
    }

private:
    Shape in_;
    int pool_;
    Workspace<int32_t> argmax_;   // of the last forward
    ConvGeometry geometry(int n) const {
        return {n, in_.height, in_.width, in_.channels, pool_, pool_, pool_, 0};
    }
};

}  // namespace

std::unique_ptr<Layer> conv2d_layer(Shape in, int filters, int kernel, Padding padding, int stride) {
    return std::make_unique<Conv2d>(in, filters, kernel, padding, stride);
}

std::unique_ptr<Layer> maxpool2d_layer(Shape in, int pool) {
    return std::make_unique<MaxPool2d>(in, pool);
}

}  // namespace idim
