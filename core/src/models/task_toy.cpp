// The toy task from the introduction of Li et al. (2018): D = 1000 parameters in 10 groups of
// 100, and the loss asks each group's sum to equal its target 1, 2, …, 10. The solutions form an
// affine set of dimension D − 10, so a random d-dimensional subspace through θ0 meets it exactly
// when d ≥ 10: the intrinsic dimension is 10.
#include <array>
#include <cmath>

#include "idim/buffer.h"
#include "idim/error.h"
#include "idim/rng.h"
#include "idim/task.h"

namespace idim {
namespace {

constexpr int kGroups = 10, kGroupSize = 100;

class ToyTask final : public Task {
public:
    explicit ToyTask(double tolerance) : tolerance_(tolerance) {
        require(tolerance > 0, "toy task: the tolerance must be positive");
    }
    size_t dim() const override { return kGroups * kGroupSize; }
    std::vector<ParamGroup> param_groups() const override {
        return {{"theta", 0, dim(), true, kGroupSize}};
    }
    // Every step sees the whole (data-free) loss: one step per epoch.
    size_t train_size() const override { return 1; }
    bool has_accuracy() const override { return false; }

    // θ0 ~ N(0, 1/100): each group sum starts near 0, far from its target.
    void init_params(float* theta, uint64_t seed) const override {
        CounterRng rng(seed, Stream::init);
        for (size_t i = 0; i < dim(); ++i) theta[i] = float(0.1 * rng.normal(i));
    }

    // L = Σ_g (s_g − t_g)², s_g = Σ_{i∈g} θ_i;  ∂L/∂θ_i = 2(s_g − t_g) for i in g
    Metrics loss_and_grad(Backend& be, const float* theta, std::span<const uint32_t>,
                          float* dtheta) override {
        std::array<double, kGroups> r = residuals(be, theta);
        double loss = 0;
        for (int g = 0; g < kGroups; ++g) {
            loss += r[g] * r[g];
            be.fill(kGroupSize, float(2 * r[g]), dtheta + g * kGroupSize);
        }
        return {loss, solved(loss)};
    }
    void loss_and_grad_onto(Backend& be, const float* theta, const uint32_t*, size_t,
                            float* dtheta, double* loss_sum) override {
        add_onto(be, loss_and_grad(be, theta, {}, dtheta).loss, loss_sum);   // no batch to read
    }
    Metrics evaluate_train(Backend& be, const float* theta) override { return evaluate_test(be, theta); }
    Metrics evaluate_test(Backend& be, const float* theta) override {
        std::array<double, kGroups> r = residuals(be, theta);
        double loss = 0;
        for (int g = 0; g < kGroups; ++g) loss += r[g] * r[g];
        return {loss, solved(loss)};
    }

private:
    double tolerance_;
    Workspace<double> sums_;
    // s_g − t_g: the group sums made by the backend, the ten numbers brought to the host.
    std::array<double, kGroups> residuals(Backend& be, const float* theta) {
        double* sums = sums_.get(be, kGroups);
        be.row_sums(kGroups, kGroupSize, theta, sums);
        std::array<double, kGroups> r;
        be.download(sums, sizeof r, r.data());
        for (int g = 0; g < kGroups; ++g) r[g] -= g + 1;
        return r;
    }
    double solved(double loss) const { return loss < tolerance_ ? 1.0 : 0.0; }
};

}  // namespace

std::unique_ptr<Task> toy_task(double solved_tolerance) {
    return std::make_unique<ToyTask>(solved_tolerance);
}

}  // namespace idim
