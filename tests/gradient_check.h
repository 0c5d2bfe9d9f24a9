// Finite-difference gradient checks for a Model: central differences with the loss summed in
// float64, compared with the analytic dθ. Shared by the layer and model tests.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "idim/model.h"
#include "idim/rng.h"

namespace idim::testing {

struct Batch {
    int n;
    std::vector<float> x;
    std::vector<int32_t> labels;
};

inline Batch random_batch(const Model& model, int n, uint64_t seed) {
    CounterRng rng(seed, Stream::label_noise);
    Batch b{n, std::vector<float>(size_t(n) * model.input_shape().size()), std::vector<int32_t>(n)};
    for (size_t i = 0; i < b.x.size(); ++i) b.x[i] = float(rng.normal(i));
    for (int i = 0; i < n; ++i) b.labels[i] = int32_t(rng.below(b.x.size() + i, model.classes()));
    return b;
}

inline double mean_loss(Backend& be, Model& model, const std::vector<float>& theta, const Batch& b) {
    return model.evaluate(be, theta.data(), b.n, b.x.data(), b.labels.data()).loss_sum / b.n;
}

// Checks dθ against (L(θ + εe) − L(θ − εe)) / 2ε on `coordinates` sampled coordinates and on
// `directions` random directions. ε = 1e-2 keeps float32 rounding of the loss (~1e-7 relative)
// a small part of the difference; the tolerance 2e-2·scale + 1e-4 covers rounding and the O(ε²)
// curvature term, while a wrong gradient (sign, factor, missing term) misses it by far.
inline void expect_gradient_matches(Backend& be, Model& model, const Batch& b, uint64_t seed,
                                    int coordinates = 60, int directions = 4) {
    std::vector<float> theta(model.dim()), grad(model.dim());
    model.init_params(theta.data(), seed);
    CounterRng rng(seed, Stream::toy_targets);
    for (size_t i = 0; i < theta.size(); ++i) theta[i] += float(0.05 * rng.normal(i));  // biases ≠ 0
    model.forward_backward(be, theta.data(), b.n, b.x.data(), b.labels.data(), grad.data());

    const double eps = 1e-2;
    auto central = [&](const std::vector<float>& dir) {
        std::vector<float> plus = theta, minus = theta;
        for (size_t i = 0; i < theta.size(); ++i) {
            plus[i] += float(eps * dir[i]);
            minus[i] -= float(eps * dir[i]);
        }
        return (mean_loss(be, model, plus, b) - mean_loss(be, model, minus, b)) / (2 * eps);
    };
    std::vector<float> dir(theta.size(), 0.0f);
    for (int c = 0; c < coordinates; ++c) {
        size_t i = rng.below(1'000'000 + c, uint32_t(theta.size()));
        dir[i] = 1.0f;
        double fd = central(dir);
        dir[i] = 0.0f;
        EXPECT_NEAR(grad[i], fd, 2e-2 * std::abs(fd) + 1e-4) << "coordinate " << i;
    }
    for (int k = 0; k < directions; ++k) {
        double analytic = 0, norm = 0;
        for (size_t i = 0; i < theta.size(); ++i) {
            dir[i] = float(rng.normal(2'000'000 + k * theta.size() + i));
            norm += double(dir[i]) * dir[i];
        }
        for (size_t i = 0; i < theta.size(); ++i) {
            dir[i] = float(dir[i] / std::sqrt(norm));
            analytic += double(grad[i]) * dir[i];
        }
        double fd = central(dir);
        EXPECT_NEAR(analytic, fd, 2e-2 * std::abs(fd) + 1e-4) << "direction " << k;
    }
}

}  // namespace idim::testing
