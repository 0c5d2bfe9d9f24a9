// Parameter-free layers whose output has one value per input value: ReLU and flatten (a no-op on
// NHWC data; it only changes the shape the next layer sees).
#include <algorithm>

#include "idim/model.h"

namespace idim {
namespace {

class Relu final : public Layer {
public:
    explicit Relu(Shape in) : shape_(in) {}
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Relu>(*this); }
    std::string describe() const override { return "relu"; }
    bool is_relu() const override { return true; }
    Shape output_shape() const override { return shape_; }
    void forward(Backend& be, const float*, int n, const float* x, float* y) override {
        be.relu_forward(size_t(n) * shape_.size(), x, y);
    }
    // dx = dy where x > 0
    void backward(Backend& be, const float*, int n, const float* x, const float*, const float* dy,
                  float* dx, float*) override {
        if (dx) be.relu_backward(size_t(n) * shape_.size(), x, dy, dx);
    }

private:
    Shape shape_;
};

class Flatten final : public Layer {
public:
    explicit Flatten(Shape in) : size_(int(in.size())) {}
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Flatten>(*this); }
    std::string describe() const override { return "flatten"; }
    Shape output_shape() const override { return {1, 1, size_}; }
    bool reshapes_only() const override { return true; }
    void forward(Backend& be, const float*, int n, const float* x, float* y) override {
        be.copy(size_t(n) * size_, x, y);
    }
    void backward(Backend& be, const float*, int n, const float*, const float*, const float* dy,
                  float* dx, float*) override {
        if (dx) be.copy(size_t(n) * size_, dy, dx);
    }

private:
    int size_;
};

}  // namespace

std::unique_ptr<Layer> relu_layer(Shape in) { return std::make_unique<Relu>(in); }
std::unique_ptr<Layer> flatten_layer(Shape in) { return std::make_unique<Flatten>(in); }

}  // namespace idim
