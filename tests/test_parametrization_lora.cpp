// LoRA (parametrization_lora.cpp): θ from A and B against the product written out on the host, the
// gradient of A and B against central finite differences of a smooth loss of θ, the trained
// count Σ r·(rows + cols), the start at θ0, refused setups and ranks, and a short training run.
// Arrays live in the default backend's memory, so the remote.* variants check that LoRA keeps to backend ops.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "idim/buffer.h"
#include "idim/error.h"
#include "idim/model.h"
#include "idim/parametrization.h"
#include "normal_vector.h"
#include "idim/subspace.h"
#include "idim/trainer.h"
#include "expect_error.h"
#include "synthetic_data.h"

namespace idim {
namespace {

using testing::expect_error;
using testing::random_vector;

// Two dense kernels of 10 rows (10×60 and 10×30) and a bias: 1,000 parameters.
std::vector<ParamGroup> dense_groups() {
    return {{"w1", 0, 600, true, 10}, {"w2", 600, 300, true, 10}, {"b", 900, 100, false, 0}};
}

// The groups of a small LeNet (convolution kernels as matrices) on 16×16 images.
std::vector<ParamGroup> lenet_groups(size_t* dim) {
    auto model = make_model({ModelKind::lenet, {}}, Shape{16, 16, 1}, 3);
    *dim = model->dim();
    return model->param_groups();
}

struct Lora {
    Backend& be = default_backend();
    std::vector<float> theta0;
    std::unique_ptr<Parametrization> param;
    Lora(size_t dim, const std::vector<ParamGroup>& groups, int rank, double alpha = 0.7)
        : theta0(random_vector(dim, 1)),
          param(lora_parametrization(be, theta0, groups, rank, alpha, 5)) {}
    std::vector<float> start() const {
        Buffer<float> t(be, param->trainable_count());
        param->init_trainable(be, t.data());
        return t.download();
    }
    std::vector<float> expand(const std::vector<float>& trainable) {
        Buffer<float> t(be, trainable), theta(be, theta0.size());
        param->expand(be, t.data(), theta.data());
        return theta.download();
    }
    std::vector<float> contract(const std::vector<float>& trainable, const std::vector<float>& dtheta) {
        Buffer<float> t(be, trainable), dt(be, dtheta), g(be, trainable.size());
        param->expand(be, t.data(), Buffer<float>(be, theta0.size()).data());
        param->contract(be, t.data(), dt.data(), g.data());
        return g.download();
    }
};

TEST(LoraParametrization, CountsRankTimesRowsPlusColumns) {
    Lora lora(1000, dense_groups(), 3);
    EXPECT_EQ(lora.param->trainable_count(), 3u * (10 + 60) + 3u * (10 + 30));
    EXPECT_EQ(lora_trainable_count(dense_groups(), 1000, 3), lora.param->trainable_count());
    size_t dim = 0;
    auto groups = lenet_groups(&dim);
    // conv 5·5·1 → 6, conv 5·5·6 → 16, dense 16 → 120, 120 → 84, 84 → 3 (16×16 input: 1×1×16)
    EXPECT_EQ(lora_trainable_count(groups, dim, 2),
              2u * ((25 + 6) + (150 + 16) + (16 + 120) + (120 + 84) + (84 + 3)));
    EXPECT_EQ(lora.param->name(), "lora-r3");
}

TEST(LoraParametrization, StartsAtTheta0WithGaussianAAndZeroB) {
    Lora lora(1000, dense_groups(), 3);
    auto t = lora.start();
    EXPECT_EQ(lora.expand(t), lora.theta0);   // B = 0 adds exact zeros
    // w1: A (3, 10) at 0, B (60, 3) at 30; w2: A (3, 10) at 210, B (30, 3) at 240.
    double sum_sq = 0;
    for (size_t i = 0; i < 30; ++i) sum_sq += double(t[i]) * t[i];
    EXPECT_NEAR(sum_sq / 30, 1.0 / 10, 0.06);   // variance 1/in; 30 draws: σ of the estimate ≈ 0.026
    for (size_t i = 30; i < 210; ++i) EXPECT_EQ(t[i], 0.0f) << i;
    EXPECT_NE(t[210], 0.0f);
    for (size_t i = 240; i < t.size(); ++i) EXPECT_EQ(t[i], 0.0f) << i;
}

TEST(LoraParametrization, ExpandAddsScaledTransposedProduct) {
    const int rank = 3;
    const double alpha = 0.7, s = alpha / rank;
    Lora lora(1000, dense_groups(), rank, alpha);
    auto t = random_vector(lora.param->trainable_count(), 7);
    auto theta = lora.expand(t);
    struct M { size_t theta_at, a_at; int in, out; };
    for (M m : {M{0, 0, 10, 60}, M{600, 210, 10, 30}}) {
        const float* a = t.data() + m.a_at;               // (r, in)
        const float* b = a + size_t(rank) * m.in;         // (out, r)
        for (int i = 0; i < m.in; ++i)
            for (int j = 0; j < m.out; ++j) {
                double delta = 0;                         // (B·A)ᵀ(i, j) = Σ_k A(k, i)·B(j, k)
                for (int k = 0; k < rank; ++k) delta += double(a[k * m.in + i]) * b[j * rank + k];
                const size_t at = m.theta_at + size_t(i) * m.out + j;
                EXPECT_NEAR(theta[at], lora.theta0[at] + s * delta, 1e-5) << at;
            }
    }
    for (size_t i = 900; i < 1000; ++i) EXPECT_EQ(theta[i], lora.theta0[i]);   // biases frozen
}

// L(θ) = ½Σ w_i θ_i² + Σ c_i θ_i. Along one trainable coordinate θ is affine (bilinear in A, B),
// so L is quadratic there and the central difference is exact up to float rounding of θ
// (2^-24 relative), which the tolerance covers as in test_parametrization.cpp.
void check_gradient(size_t dim, const std::vector<ParamGroup>& groups, int rank,
                    const std::string& label) {
    Lora lora(dim, groups, rank);
    const auto w = random_vector(dim, 11, 1.0f), c = random_vector(dim, 12);
    auto loss = [&](const std::vector<float>& theta) {
        double sum = 0;
        for (size_t i = 0; i < dim; ++i) sum += 0.5 * w[i] * double(theta[i]) * theta[i] + c[i] * theta[i];
        return sum;
    };
    auto t = lora.start();
    auto step = random_vector(t.size(), 13);
    for (size_t k = 0; k < t.size(); ++k) t[k] += 0.3f * step[k];   // B away from zero
    auto theta = lora.expand(t);
    std::vector<float> dtheta(dim);
    double loss_scale = 0;
    for (size_t i = 0; i < dim; ++i) {
        dtheta[i] = float(double(w[i]) * theta[i] + c[i]);
        loss_scale += std::abs(0.5 * w[i] * theta[i] * theta[i]) + std::abs(c[i] * theta[i]);
    }
    auto grad = lora.contract(t, dtheta);
    const float h = 0.25f;
    int checked = 0;
    for (size_t k = 0; k < t.size(); k += std::max<size_t>(1, t.size() / 40)) {
        auto at = [&](float shift) {
            auto u = t;
            u[k] += shift;
            return loss(lora.expand(u));
        };
        const double fd = (at(h) - at(-h)) / (2.0 * h);
        EXPECT_NEAR(grad[k], fd, 1e-5 * std::abs(fd) + 2e-6 * loss_scale / (2.0 * h))
            << label << " coordinate " << k;
        ++checked;
    }
    EXPECT_GE(checked, 40);
}

TEST(LoraParametrization, GradientMatchesFiniteDifferencesOnDenseKernels) {
    for (int rank : {1, 3, 10}) check_gradient(1000, dense_groups(), rank, "rank " + std::to_string(rank));
}

TEST(LoraParametrization, GradientMatchesFiniteDifferencesOnConvolutionKernels) {
    size_t dim = 0;
    auto groups = lenet_groups(&dim);
    check_gradient(dim, groups, 2, "lenet rank 2");
}

TEST(LoraParametrization, RefusesBadSetups) {
    Backend& be = default_backend();
    auto theta0 = random_vector(1000, 1);
    EXPECT_THROW(lora_parametrization(be, theta0, dense_groups(), 0, 1.0, 5), Error);
    EXPECT_THROW(lora_parametrization(be, theta0, dense_groups(), 2, 0.0, 5), Error);
    EXPECT_THROW(lora_parametrization(be, theta0, {{"b", 0, 1000, false, 0}}, 2, 1.0, 5), Error);
    EXPECT_THROW(lora_parametrization(be, theta0, {{"w", 0, 1000, true, 7}}, 2, 1.0, 5), Error);
}

TEST(LoraParametrization, RankIsBoundedByTheWidestMatrix) {
    // dense_groups: 10×60 and 10×30, so no update has rank above 10
    EXPECT_EQ(lora_trainable_count(dense_groups(), 1000, 10), 10u * (70 + 40));
    expect_error([] { lora_trainable_count(dense_groups(), 1000, 11); },
                 {"LoRA: the rank must be at most 10, got 11"});
    expect_error([] { lora_trainable_count(dense_groups(), 1000, 100000); }, {"at most 10, got 100000"});
    // LeNet's kernels: min(in, out) = 6, 16, 16, 84, 3; a rank above the smallest limits still
    // gives the wider matrices room, so only ranks above 84 are refused
    size_t dim = 0;
    auto groups = lenet_groups(&dim);
    EXPECT_EQ(lora_trainable_count(groups, dim, 84),
              84u * ((25 + 6) + (150 + 16) + (16 + 120) + (120 + 84) + (84 + 3)));
    expect_error([&] { lora_trainable_count(groups, dim, 85); }, {"at most 84, got 85"});
}

TEST(LoraParametrization, TrainsThroughTheFactory) {
    Backend& be = default_backend();
    auto task = classification_task(make_model({ModelKind::fc, {16}}, Shape{1, 1, 6}, 3),
                                    testing::blob_split());
    SubspaceSpec spec;
    spec.method = Method::lora;
    spec.lora_rank = 2;
    spec.seed = 5;
    auto param = make_parametrization(be, *task, spec);
    EXPECT_EQ(param->trainable_count(), 2u * (6 + 16) + 2u * (16 + 3));
    TrainConfig config = subspace_train_config();
    config.epochs = 5;
    config.batch = 32;
    TrainResult result = train(be, *task, *param, config);
    EXPECT_GT(result.test_accuracy, 0.9);   // the blobs are separable; chance is 1/3
    spec.lora_rank = 0;
    EXPECT_THROW(make_parametrization(be, *task, spec), Error);
}

}  // namespace
}  // namespace idim
