// Parametrizations: the gradient contract() returns is checked against central finite differences
// in float64 of a smooth loss of θ, L(θ) = ½Σ w_i θ_i² + Σ c_i θ_i, for full, subspace (every
// projection kind) and SAID (every kind); plus initial values and refused setups.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "idim/error.h"
#include "idim/parametrization.h"
#include "normal_vector.h"

namespace idim {
namespace {

constexpr size_t kDimFull = 1000;

std::vector<ParamGroup> groups() {
    return {{"w1", 0, 600, true, 10}, {"w2", 600, 300, true, 10}, {"b", 900, 100, false, 0}};
}

using testing::random_vector;

struct QuadraticLoss {
    std::vector<float> w = random_vector(kDimFull, 11, 1.0f), c = random_vector(kDimFull, 12);
    double value(const std::vector<float>& theta) const {
        double sum = 0;
        for (size_t i = 0; i < theta.size(); ++i)
            sum += 0.5 * w[i] * double(theta[i]) * theta[i] + double(c[i]) * theta[i];
        return sum;
    }
    std::vector<float> gradient(const std::vector<float>& theta) const {  // dθ = w ⊙ θ + c
        std::vector<float> g(theta.size());
        for (size_t i = 0; i < theta.size(); ++i) g[i] = float(double(w[i]) * theta[i] + c[i]);
        return g;
    }
};

// Checks contract() against (L(t + h·e_k) − L(t − h·e_k)) / 2h for some coordinates k. Along one
// coordinate θ is affine (even for SAID, bilinear in (θ_d, λ)), so L is quadratic there and the
// central difference is exact up to rounding: float θ (2^-24 relative) makes L err by about
// 1e-7·Σ|terms|, which /2h with h = 0.25 gives the tolerance below.
void check_gradient(Parametrization& param, const std::string& label) {
    Backend& be = backend_by_name("cpu");
    QuadraticLoss loss;
    std::vector<float> t(param.trainable_count()), theta(kDimFull);
    param.init_trainable(be, t.data());
    auto step = random_vector(t.size(), 13);
    for (size_t k = 0; k < t.size(); ++k) t[k] += 0.3f * step[k];  // away from the start
    param.expand(be, t.data(), theta.data());
    auto dtheta = loss.gradient(theta);
    std::vector<float> grad(t.size());
    param.contract(be, t.data(), dtheta.data(), grad.data());
    double loss_scale = 0;
    for (size_t i = 0; i < kDimFull; ++i)
        loss_scale += std::abs(0.5 * loss.w[i] * theta[i] * theta[i]) + std::abs(loss.c[i] * theta[i]);
    const float h = 0.25f;
    for (size_t k = 0; k < t.size(); k += std::max<size_t>(1, t.size() / 25)) {
        auto at = [&](float shift) {
            std::vector<float> u = t, th(kDimFull);
            u[k] += shift;
            param.expand(be, u.data(), th.data());
            return loss.value(th);
        };
        double fd = (at(h) - at(-h)) / (2.0 * h);
        double tolerance = 1e-5 * std::abs(fd) + 2e-6 * loss_scale / (2.0 * h);
        EXPECT_NEAR(grad[k], fd, tolerance) << label << " coordinate " << k;
    }
    // the last coordinates (SAID's λ) are always checked
    for (size_t k = t.size() - std::min<size_t>(3, t.size()); k < t.size(); ++k) {
        std::vector<float> up = t, down = t, th(kDimFull);
        up[k] += h;
        down[k] -= h;
        param.expand(be, up.data(), th.data());
        double plus = loss.value(th);
        param.expand(be, down.data(), th.data());
        double fd = (plus - loss.value(th)) / (2.0 * h);
        EXPECT_NEAR(grad[k], fd, 1e-5 * std::abs(fd) + 2e-6 * loss_scale / (2.0 * h))
            << label << " coordinate " << k;
    }
}

std::unique_ptr<Projection> projection(const std::string& kind, size_t dim_sub) {
    ProjectionSpec spec;
    spec.kind = parse_projection(kind == "dense-tiled" ? "dense" : kind);
    spec.dim_full = kDimFull;
    spec.dim_sub = dim_sub;
    spec.seed = 5;
    spec.groups = groups();
    if (kind == "dense-tiled") spec.max_projection_mb = 0;
    return make_projection(backend_by_name("cpu"), spec);
}

const std::vector<std::string> kKinds = {"dense", "dense-tiled", "sparse", "fastfood"};

TEST(Parametrization, FullGradientIsDtheta) {
    auto param = full_parametrization(backend_by_name("cpu"), random_vector(kDimFull, 1));
    check_gradient(*param, "full");
}

TEST(Parametrization, SubspaceGradientMatchesFiniteDifferences) {
    for (const std::string& kind : kKinds) {
        auto param = subspace_parametrization(backend_by_name("cpu"), random_vector(kDimFull, 1), projection(kind, 40));
        check_gradient(*param, "subspace " + kind);
    }
}

TEST(Parametrization, SaidGradientMatchesFiniteDifferences) {
    for (const std::string& kind : kKinds) {
        auto param = said_parametrization(backend_by_name("cpu"), random_vector(kDimFull, 1),
                                          projection(kind, 40 - 3), groups());
        EXPECT_EQ(param->trainable_count(), 40u);  // d counts the λs
        check_gradient(*param, "SAID " + kind);
    }
}

TEST(Parametrization, StartsAtTheta0) {
    auto theta0 = random_vector(kDimFull, 1);
    Backend& be = backend_by_name("cpu");
    std::vector<std::unique_ptr<Parametrization>> params;
    params.push_back(full_parametrization(backend_by_name("cpu"), theta0));
    params.push_back(subspace_parametrization(backend_by_name("cpu"), theta0, projection("fastfood", 40)));
    params.push_back(said_parametrization(backend_by_name("cpu"), theta0, projection("sparse", 37), groups()));
    for (auto& param : params) {
        std::vector<float> t(param->trainable_count()), theta(kDimFull);
        param->init_trainable(be, t.data());
        param->expand(be, t.data(), theta.data());
        EXPECT_EQ(theta, theta0);  // θ_d = 0 adds exact zeros
    }
    std::vector<float> t(40);
    params[2]->init_trainable(be, t.data());
    EXPECT_EQ(t[36], 0.0f);
    EXPECT_EQ(t[37], 1.0f);  // λ starts at 1
    EXPECT_EQ(t[39], 1.0f);
}

TEST(Parametrization, RefusesBadSetups) {
    EXPECT_THROW(subspace_parametrization(backend_by_name("cpu"), random_vector(999, 1), projection("dense", 10)), Error);
    auto short_groups = groups();
    short_groups.pop_back();
    EXPECT_THROW(said_parametrization(backend_by_name("cpu"), random_vector(kDimFull, 1), projection("dense", 10),
                                      short_groups),
                 Error);
    EXPECT_THROW(said_parametrization(backend_by_name("cpu"), random_vector(kDimFull, 1), projection("dense", 10), {}),
                 Error);
}

}  // namespace
}  // namespace idim
