// The networks of Li et al. (2018): exact parameter counts, He-normal θ0, and the gradient of
// each whole model against float64 central finite differences.
#include <gtest/gtest.h>

#include <cmath>

#include "gradient_check.h"
#include "idim/error.h"

using namespace idim;
using idim::testing::expect_gradient_matches;
using idim::testing::random_batch;

TEST(Models, FcMnistHas199210Parameters) {
    EXPECT_EQ(make_model({ModelKind::fc, {200, 200}}, {28, 28, 1}, 10)->dim(), 199'210u);
}
TEST(Models, FcCifarHas656810Parameters) {
    EXPECT_EQ(make_model({ModelKind::fc, {200, 200}}, {32, 32, 3}, 10)->dim(), 656'810u);
}
TEST(Models, LenetMnistHas44426Parameters) {
    EXPECT_EQ(make_model({ModelKind::lenet, {}}, {28, 28, 1}, 10)->dim(), 44'426u);
}
TEST(Models, LenetCifarHas62006Parameters) {
    EXPECT_EQ(make_model({ModelKind::lenet, {}}, {32, 32, 3}, 10)->dim(), 62'006u);
}
TEST(Models, FcWidthsAndDepthAreConfigurable) {
    // 784·50 + 50 + (50·50 + 50)·2 + 50·10 + 10 = 44,860
    EXPECT_EQ(make_model({ModelKind::fc, {50, 50, 50}}, {28, 28, 1}, 10)->dim(), 44'860u);
}
TEST(Models, UnknownModelIsRefusedByName) {
    EXPECT_EQ(parse_model(to_string(ModelKind::lenet)), ModelKind::lenet);
    try {
        parse_model("resnet");
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("resnet"), std::string::npos);
    }
}

TEST(Models, InitIsHeNormalKernelsAndZeroBiases) {
    auto model = make_model({ModelKind::fc, {200, 200}}, {28, 28, 1}, 10);
    std::vector<float> theta(model->dim());
    model->init_params(theta.data(), 7);
    for (const ParamGroup& g : model->param_groups()) {
        double sum_sq = 0;
        for (size_t i = 0; i < g.size; ++i) sum_sq += double(theta[g.offset + i]) * theta[g.offset + i];
        if (!g.is_kernel) {
            EXPECT_EQ(sum_sq, 0.0) << g.name;
            continue;
        }
        double var = sum_sq / g.size, expected = 2.0 / g.fan_in;
        // the variance estimate of n normals has relative standard error √(2/n); allow 5 of them
        EXPECT_NEAR(var, expected, 5 * std::sqrt(2.0 / g.size) * expected) << g.name;
    }
}

TEST(Models, SameSeedGivesSameInitAndOtherSeedDiffers) {
    auto model = make_model({ModelKind::lenet, {}}, {28, 28, 1}, 10);
    std::vector<float> a(model->dim()), b(model->dim()), c(model->dim());
    model->init_params(a.data(), 1);
    model->init_params(b.data(), 1);
    model->init_params(c.data(), 2);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

// Whole-model checks run on the reference backend, whose float64 accumulation keeps the
// finite-difference noise of wide layers far below the tolerance; the CPU backend is checked
// against it op by op (test_backend_ops) and layer by layer (test_layers).
Backend& oracle() { return backend_by_name("reference"); }

TEST(Models, FcGradientMatchesFiniteDifferences) {
    auto model = make_model({ModelKind::fc, {20, 16}}, {28, 28, 1}, 10);
    expect_gradient_matches(default_backend(), *model, random_batch(*model, 8, 21), 31);
}
TEST(Models, FcMnistGradientMatchesFiniteDifferences) {
    auto model = make_model({ModelKind::fc, {200, 200}}, {28, 28, 1}, 10);
    expect_gradient_matches(oracle(), *model, random_batch(*model, 4, 22), 32, 30, 3);
}
TEST(Models, LenetMnistGradientMatchesFiniteDifferences) {
    auto model = make_model({ModelKind::lenet, {}}, {28, 28, 1}, 10);
    expect_gradient_matches(oracle(), *model, random_batch(*model, 4, 23), 33, 40, 3);
}
TEST(Models, LenetCifarGradientMatchesFiniteDifferences) {
    auto model = make_model({ModelKind::lenet, {}}, {32, 32, 3}, 10);
    expect_gradient_matches(oracle(), *model, random_batch(*model, 3, 24), 34, 40, 3);
}
TEST(Models, FcCifarGradientMatchesFiniteDifferences) {
    auto model = make_model({ModelKind::fc, {200, 200}}, {32, 32, 3}, 10);
    expect_gradient_matches(oracle(), *model, random_batch(*model, 3, 25), 35, 30, 3);
}

// Records which backward calls were asked for a dx, around a real layer.
class DxRecorder final : public Layer {
public:
    DxRecorder(std::unique_ptr<Layer> inner, std::vector<bool>& asked)
        : inner_(std::move(inner)), asked_(asked) {}
    std::string describe() const override { return inner_->describe(); }
    std::unique_ptr<Layer> clone() const override {
        return std::make_unique<DxRecorder>(inner_->clone(), asked_);
    }
    Shape output_shape() const override { return inner_->output_shape(); }
    std::vector<ParamGroup> param_groups() const override { return inner_->param_groups(); }
    void forward(Backend& be, const float* params, int n, const float* x, float* y) override {
        inner_->forward(be, params, n, x, y);
    }
    void backward(Backend& be, const float* params, int n, const float* x, const float* y,
                  const float* dy, float* dx, float* dparams) override {
        asked_.push_back(dx != nullptr);
        inner_->backward(be, params, n, x, y, dy, dx, dparams);
    }

private:
    std::unique_ptr<Layer> inner_;
    std::vector<bool>& asked_;
};

// Nothing below the first layer with parameters is trained, so the backward pass stops there:
// FC's first dense layer (behind a flatten) once computed a dx of 128 × 784 that nothing read.
TEST(Models, BackwardStopsAtTheFirstLayerWithParameters) {
    std::vector<bool> flatten_asked, first_dense_asked, second_dense_asked;
    Model m({2, 3, 1}, 3);
    m.add(std::make_unique<DxRecorder>(flatten_layer(m.output_shape()), flatten_asked));
    m.add(std::make_unique<DxRecorder>(dense_layer(m.output_shape(), 4), first_dense_asked));
    m.add(std::make_unique<DxRecorder>(dense_layer(m.output_shape(), 3), second_dense_asked));
    std::vector<float> theta(m.dim()), grad(m.dim());
    m.init_params(theta.data(), 1);
    auto batch = random_batch(m, 2, 1);
    m.forward_backward(backend_by_name("cpu"), theta.data(), 2, batch.x.data(),
                       batch.labels.data(), grad.data());
    EXPECT_EQ(flatten_asked, std::vector<bool>{});
    EXPECT_EQ(first_dense_asked, std::vector<bool>{false});
    EXPECT_EQ(second_dense_asked, std::vector<bool>{true});
}
