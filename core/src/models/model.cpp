// A network as a list of layers over one flat θ: the layer offsets, the forward pass, the
// backward pass into one flat dθ, and the He-normal initialisation of θ0.
#include "idim/model.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "idim/error.h"
#include "idim/rng.h"

namespace idim {

size_t Layer::param_count() const {
    size_t total = 0;
    for (const ParamGroup& g : param_groups()) total += g.size;
    return total;
}

Model::Model(Shape input, int classes) : input_(input), classes_(classes) {
    require(input.size() > 0, "model: the input shape is empty");
    require(classes >= 2, "model: at least 2 classes are needed, got " + std::to_string(classes));
}

void Model::add(std::unique_ptr<Layer> layer) {
    if (first_trainable_ == layers_.size() && layer->param_count() == 0) ++first_trainable_;
    offsets_.push_back(dim_);
    dim_ += layer->param_count();
    layers_.push_back(std::move(layer));
    acts_.resize(layers_.size());
    outputs_.resize(layers_.size());
}

std::unique_ptr<Model> Model::clone() const {
    auto copy = std::make_unique<Model>(input_, classes_);
    for (const auto& layer : layers_) copy->add(layer->clone());
    return copy;
}

Shape Model::output_shape() const {
    return layers_.empty() ? input_ : layers_.back()->output_shape();
}

std::vector<ParamGroup> Model::param_groups() const {
    std::vector<ParamGroup> groups;
    for (size_t l = 0; l < layers_.size(); ++l)
        for (ParamGroup g : layers_[l]->param_groups()) {
            g.name = "layer" + std::to_string(l) + "." + g.name;
            g.offset += offsets_[l];
            groups.push_back(g);
        }
    return groups;
}

std::string Model::describe() const {
    std::ostringstream out;
    for (size_t l = 0; l < layers_.size(); ++l) {
        Shape s = layers_[l]->output_shape();
        out << "  " << l << ": " << layers_[l]->describe() << "  -> " << s.height << "x"
            << s.width << "x" << s.channels << "  params " << layers_[l]->param_count() << "\n";
    }
    out << "  D = " << dim_ << "\n";
    return out.str();
}

void Model::init_params(float* theta, uint64_t seed) const {
    CounterRng rng(seed, Stream::init);
    for (const ParamGroup& g : param_groups()) {
        double stddev = std::sqrt(2.0 / g.fan_in);
        for (size_t i = 0; i < g.size; ++i)
            theta[g.offset + i] = g.is_kernel ? float(stddev * rng.normal(g.offset + i)) : 0.0f;
    }
}

// outputs_[l] is the output of layer l: acts_[l], or for a reshape its input itself. The input
// is read in place.
void Model::forward_all(Backend& be, const float* theta, int n, const float* x) {
    require(!layers_.empty(), "model: no layers");
    require(output_shape().size() == size_t(classes_), "model: the last layer has ",
            output_shape().size(), " outputs but there are ", classes_, " classes");
    const float* in = x;
    for (size_t l = 0; l < layers_.size(); ++l) {
        if (!layers_[l]->reshapes_only()) {
            float* out = acts_[l].get(be, size_t(n) * layers_[l]->output_shape().size());
            if (l + 1 < layers_.size() && layers_[l + 1]->is_relu()) {   // fused where it can be
                const size_t relu_size = size_t(n) * layers_[l + 1]->output_shape().size();
                float* relu_out = acts_[l + 1].get(be, relu_size);
                if (layers_[l]->forward_relu(be, theta + offsets_[l], n, in, out, relu_out)) {
                    outputs_[l] = out;
                    outputs_[++l] = in = relu_out;
                    continue;
                }
            }
            layers_[l]->forward(be, theta + offsets_[l], n, in, out);
            in = out;
        }
        outputs_[l] = in;
    }
}

BatchResult Model::evaluate(Backend& be, const float* theta, int n, const float* x,
                            const int32_t* labels) {
    forward_all(be, theta, n, x);
    BatchResult r;
    r.loss_sum = be.softmax_cross_entropy(n, classes_, outputs_.back(), labels, nullptr,
                                          &r.n_correct);
    return r;
}

// Backward from dlogits = (softmax − onehot)/n, layer by layer, each writing its slice of dθ (so
// dθ is never cleared). A reshape passes the gradient on as it is. The pass stops at the first
// layer with parameters, which needs no dx: below it nothing is trained (FC's first dense layer
// sits behind a flatten: its dx would be 26% of the step's products).
BatchResult Model::forward_backward(Backend& be, const float* theta, int n, const float* x,
                                    const int32_t* labels, float* dtheta, double* loss_sum) {
    forward_all(be, theta, n, x);
    BatchResult r;
    float* dy = grad_a_.get(be, size_t(n) * classes_);
    if (loss_sum)
        be.softmax_cross_entropy_to(n, classes_, outputs_.back(), labels, dy, loss_sum);
    else
        r.loss_sum = be.softmax_cross_entropy(n, classes_, outputs_.back(), labels, dy, &r.n_correct);
    for (size_t l = layers_.size(); l-- > first_trainable_;) {
        if (layers_[l]->reshapes_only()) continue;
        const float* in = l == 0 ? x : outputs_[l - 1];
        float* dx = nullptr;
        if (l > first_trainable_)
            dx = grad_b_.get(be, size_t(n) * layers_[l - 1]->output_shape().size());
        layers_[l]->backward(be, theta + offsets_[l], n, in, outputs_[l], dy, dx,
                             dtheta + offsets_[l]);
        std::swap(grad_a_, grad_b_);   // dx is the next layer's dy
        dy = dx;
    }
    return r;
}

}  // namespace idim
