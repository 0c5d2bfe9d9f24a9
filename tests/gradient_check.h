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
// `directions` random unit directions. ε = 1e-3: float32 storage of activations (~1e-7 of the
// loss) then costs ~1e-4 of slope and the O(ε²) curvature term less, both inside the tolerance
// 2e-2·|fd| + 1e-3, while a wrong gradient (sign, factor, missing term) misses it by far. Wide
// models run on the reference backend, whose sums are float64. ReLU and max-pool kinks make a central difference
// meaningless where one is crossed: such a probe is recognised by its two one-sided slopes
// disagreeing (a wrong analytic gradient cannot cause that) and skipped; at most 10% may be.
inline void expect_gradient_matches(Backend& be, Model& model, const Batch& b, uint64_t seed,
                                    int coordinates = 60, int directions = 4) {
    std::vector<float> theta(model.dim()), grad(model.dim());
    model.init_params(theta.data(), seed);
    CounterRng rng(seed, Stream::toy_targets);
    for (const ParamGroup& g : model.param_groups())   // non-zero biases, so their use is checked
        if (!g.is_kernel)
            for (size_t i = g.offset; i < g.offset + g.size; ++i) theta[i] = float(0.1 * rng.normal(i));
    model.forward_backward(be, theta.data(), b.n, b.x.data(), b.labels.data(), grad.data());
    const double loss0 = mean_loss(be, model, theta, b);

    const double eps = 1e-3;
    int probes = 0, kinks = 0;
    auto check = [&](const std::vector<float>& dir, double analytic, const std::string& what) {
        std::vector<float> plus = theta, minus = theta;
        for (size_t i = 0; i < theta.size(); ++i) {
            plus[i] += float(eps * dir[i]);
            minus[i] -= float(eps * dir[i]);
        }
        double up = (mean_loss(be, model, plus, b) - loss0) / eps;
        double down = (loss0 - mean_loss(be, model, minus, b)) / eps;
        double fd = (up + down) / 2, tolerance = 2e-2 * std::abs(fd) + 1e-3;
        ++probes;
        // a slope jump over ±ε moves the central difference by up to half the jump
        if (std::abs(up - down) > tolerance / 2) {
            ++kinks;
            return;
        }
        EXPECT_NEAR(analytic, fd, tolerance) << what;
    };
    std::vector<float> dir(theta.size(), 0.0f);
    for (int c = 0; c < coordinates; ++c) {
        size_t i = rng.below(1'000'000 + c, uint32_t(theta.size()));
        dir[i] = 1.0f;
        check(dir, grad[i], "coordinate " + std::to_string(i));
        dir[i] = 0.0f;
    }
    for (int k = 0; k < directions; ++k) {
        double norm = 0, analytic = 0;
        for (size_t i = 0; i < theta.size(); ++i) {
            dir[i] = float(rng.normal(2'000'000 + k * theta.size() + i));
            norm += double(dir[i]) * dir[i];
        }
        for (size_t i = 0; i < theta.size(); ++i) {
            dir[i] = float(dir[i] / std::sqrt(norm));
            analytic += double(grad[i]) * dir[i];
        }
        check(dir, analytic, "direction " + std::to_string(k));
    }
    EXPECT_LE(kinks, probes / 10) << kinks << " of " << probes << " probes straddled a kink";
}

}  // namespace idim::testing
