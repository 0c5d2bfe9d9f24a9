// Networks as a list of layers over one flat parameter vector θ (length D): each layer reads its
// parameters from a slice [offset, offset + param_count) of θ and writes its gradient to the same
// slice of dθ — exactly what θ = θ0 + P·θ_d needs (llm.c's one-allocation layout).
// Activations are NHWC, batch first.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "idim/backend.h"
#include "idim/buffer.h"

namespace idim {

struct Shape {                 // one sample
    int height = 1, width = 1, channels = 1;
    size_t size() const { return size_t(height) * width * channels; }
};

struct ParamGroup {            // one parameter tensor inside θ
    std::string name;          // e.g. "dense1.kernel"
    size_t offset, size;
    bool is_kernel;            // kernels get He-normal init, biases zero
    int fan_in;
};

class Layer {
public:
    virtual ~Layer() = default;
    virtual std::string describe() const = 0;           // "conv 6@5x5 same"
    virtual Shape output_shape() const = 0;
    virtual std::vector<ParamGroup> param_groups() const { return {}; }  // offsets local to layer
    size_t param_count() const;

    // x (n, in), y (n, out); params is this layer's slice of θ.
    virtual void forward(Backend& be, const float* params, int n, const float* x, float* y) = 0;
    // forward, then a ReLU layer's forward into relu_y, in one pass where the layer can (a Model
    // fuses a layer with the ReLU after it so: one kernel less on a device); false: it cannot,
    // and nothing was done.
    virtual bool forward_relu(Backend&, const float*, int, const float*, float*, float*) {
        return false;
    }
    virtual bool is_relu() const { return false; }
    // Given x, y of the last forward and dy, writes dx (n, in) and dparams (the layer's whole
    // slice of dθ). dx is null when nothing below needs it.
    virtual void backward(Backend& be, const float* params, int n, const float* x, const float* y,
                          const float* dy, float* dx, float* dparams) = 0;
    // The output is the input itself under another shape (flatten on NHWC data): a Model passes
    // the input's memory on, and the gradient back, without calling forward or backward.
    virtual bool reshapes_only() const { return false; }
    // The same layer with a workspace of its own (for a second thread running another sub-batch).
    virtual std::unique_ptr<Layer> clone() const = 0;
};

std::unique_ptr<Layer> dense_layer(Shape in, int units);
enum class Padding { valid, same };
std::unique_ptr<Layer> conv2d_layer(Shape in, int filters, int kernel, Padding padding,
                                    int stride = 1);
std::unique_ptr<Layer> maxpool2d_layer(Shape in, int pool);
std::unique_ptr<Layer> relu_layer(Shape in);
std::unique_ptr<Layer> flatten_layer(Shape in);

struct BatchResult {
    double loss_sum = 0;       // Σ over the batch of cross-entropy
    int n_correct = 0;
};

class Model {
public:
    Model(Shape input, int classes);
    void add(std::unique_ptr<Layer> layer);    // appends after the current output shape
    Shape output_shape() const;                // of the last layer (the input before any)
    Shape input_shape() const { return input_; }
    int classes() const { return classes_; }
    size_t dim() const { return dim_; }        // D
    std::vector<ParamGroup> param_groups() const;   // global offsets, in θ order
    std::string describe() const;              // one line per layer with its parameter count
    const std::vector<std::unique_ptr<Layer>>& layers() const { return layers_; }
    // The same network (cloned layers, same offsets) with workspaces of its own.
    std::unique_ptr<Model> clone() const;

    // θ0: He-normal kernels (N(0, 2/fan_in), Keras he_normal without truncation), zero biases,
    // drawn from CounterRng(seed, Stream::init) so θ0 is the same on every platform.
    void init_params(float* theta, uint64_t seed) const;

    // Softmax cross-entropy over a batch: x (n, input size), labels (n). forward_backward also
    // writes the mean-loss gradient dθ (D), overwriting it.
    BatchResult evaluate(Backend& be, const float* theta, int n, const float* x,
                         const int32_t* labels);
    // With loss_sum (a double in backend memory) the batch's loss sum is left there and the
    // result's fields stay 0: a step with no host wait.
    BatchResult forward_backward(Backend& be, const float* theta, int n, const float* x,
                                 const int32_t* labels, float* dtheta, double* loss_sum = nullptr);

private:
    Shape input_;
    int classes_;
    size_t dim_ = 0;
    std::vector<std::unique_ptr<Layer>> layers_;
    std::vector<size_t> offsets_;              // per layer, into θ
    size_t first_trainable_ = 0;               // index of the first layer with parameters
    std::vector<Workspace<float>> acts_;       // activations per layer boundary (backend memory)
    std::vector<const float*> outputs_;        // per layer: its acts_, or a reshape's input
    Workspace<float> grad_a_, grad_b_;         // the gradient flowing down, and the next one
    void forward_all(Backend& be, const float* theta, int n, const float* x);
};

enum class ModelKind { fc, lenet };
std::string to_string(ModelKind kind);
ModelKind parse_model(const std::string& name);   // throws idim::Error naming the known ones

struct ModelSpec {
    ModelKind kind = ModelKind::fc;
    std::vector<int> widths = {200, 200};      // fc hidden layer widths
};

// fc: input → [dense w, relu]* → dense classes. lenet: conv 6@5×5 valid, relu, pool 2, conv
// 16@5×5 valid, relu, pool 2, dense 120, relu, dense 84, relu, dense classes — D = 44,426 on
// 28×28×1 and 62,006 on 32×32×3 (Li et al. 2018).
std::unique_ptr<Model> make_model(const ModelSpec& spec, Shape input, int classes);

}  // namespace idim
