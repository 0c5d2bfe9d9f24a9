// The networks of Li et al. (2018): FC with configurable widths and LeNet.
#include "idim/error.h"
#include "kind_names.h"
#include "idim/model.h"

namespace idim {
namespace {

void add_relu(Model& model) { model.add(relu_layer(model.output_shape())); }

std::unique_ptr<Model> make_fc(const std::vector<int>& widths, Shape input, int classes) {
    auto model = std::make_unique<Model>(input, classes);
    model->add(flatten_layer(input));
    for (int width : widths) {
        require(width >= 1, "fc: every width must be at least 1, got " + std::to_string(width));
        model->add(dense_layer(model->output_shape(), width));
        add_relu(*model);
    }
    model->add(dense_layer(model->output_shape(), classes));
    return model;
}

// conv 6@5×5 → pool 2 → conv 16@5×5 → pool 2 → 120 → 84 → classes, valid padding throughout
// (D = 44,426 on 28×28×1 and 62,006 on 32×32×3, the counts in Li et al. 2018).
std::unique_ptr<Model> make_lenet(Shape input, int classes) {
    require(input.height >= 16 && input.width >= 16,
            "lenet: needs inputs of at least 16x16 pixels, got " + std::to_string(input.height) +
                "x" + std::to_string(input.width));
    auto model = std::make_unique<Model>(input, classes);
    for (int filters : {6, 16}) {
        model->add(conv2d_layer(model->output_shape(), filters, 5, Padding::valid));
        add_relu(*model);
        model->add(maxpool2d_layer(model->output_shape(), 2));
    }
    model->add(flatten_layer(model->output_shape()));
    for (int units : {120, 84}) {
        model->add(dense_layer(model->output_shape(), units));
        add_relu(*model);
    }
    model->add(dense_layer(model->output_shape(), classes));
    return model;
}

}  // namespace

std::string to_string(ModelKind kind) { return kind == ModelKind::fc ? "fc" : "lenet"; }

ModelKind parse_model(const std::string& name) {
    return parse_kind(name, std::array{ModelKind::fc, ModelKind::lenet}, "model");
}

std::unique_ptr<Model> make_model(const ModelSpec& spec, Shape input, int classes) {
    if (spec.kind == ModelKind::lenet) return make_lenet(input, classes);
    return make_fc(spec.widths, input, classes);
}

}  // namespace idim
