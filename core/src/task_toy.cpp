// The toy task from the introduction of Li et al. (2018): D = 1000 parameters in 10 groups of
// 100, and the loss asks each group's sum to equal its target 1, 2, …, 10. The solutions form an
// affine set of dimension D − 10, so a random d-dimensional subspace through θ0 meets it exactly
// when d ≥ 10: the intrinsic dimension is 10.
#include <cmath>

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
    Metrics loss_and_grad(Backend&, const float* theta, std::span<const uint32_t>,
                          float* dtheta) override {
        double loss = 0;
        for (int g = 0; g < kGroups; ++g) {
            double r = residual(theta, g);
            loss += r * r;
            for (int i = 0; i < kGroupSize; ++i) dtheta[g * kGroupSize + i] = float(2 * r);
        }
        return {loss, solved(loss)};
    }
    Metrics evaluate_train(Backend& be, const float* theta) override { return evaluate_test(be, theta); }
    Metrics evaluate_test(Backend&, const float* theta) override {
        double loss = 0;
        for (int g = 0; g < kGroups; ++g) loss += residual(theta, g) * residual(theta, g);
        return {loss, solved(loss)};
    }

private:
    double tolerance_;
    static double residual(const float* theta, int g) {
        double sum = 0;
        for (int i = 0; i < kGroupSize; ++i) sum += theta[g * kGroupSize + i];
        return sum - (g + 1);
    }
    double solved(double loss) const { return loss < tolerance_ ? 1.0 : 0.0; }
};

}  // namespace

std::unique_ptr<Task> toy_task(double solved_tolerance) {
    return std::make_unique<ToyTask>(solved_tolerance);
}

}  // namespace idim
