// The known answer: the toy task of Li et al. (2018) has intrinsic dimension exactly 10. A random
// subspace of d = 9 cannot solve it, d = 10 can, and the d_int search returns 10.
#include <gtest/gtest.h>

#include "idim/dint_search.h"
#include "idim/trainer.h"

using namespace idim;

namespace {

TrainResult train_toy(uint64_t d, uint64_t seed) {
    auto task = toy_task();
    std::vector<float> theta0(task->dim());
    task->init_params(theta0.data(), seed);
    ProjectionSpec spec;
    spec.kind = ProjectionKind::dense;
    spec.dim_full = task->dim();
    spec.dim_sub = d;
    spec.seed = seed;
    auto param = subspace_parametrization(default_backend(), theta0,
                                          make_projection(default_backend(), spec));
    TrainHooks hooks;
    hooks.target_accuracy = 1.0;
    return train(default_backend(), *task, *param, toy_train_config(), hooks);
}

}  // namespace

TEST(Toy, GradientIsTwiceTheGroupResidual) {
    auto task = toy_task();
    std::vector<float> theta(1000, 0.0f), grad(1000);
    theta[150] = 0.5f;   // group 1 sums to 0.5 against target 2
    Metrics m = task->loss_and_grad(default_backend(), theta.data(), {}, grad.data());
    EXPECT_NEAR(m.loss, 385.0 - 4.0 + 1.5 * 1.5, 1e-9);   // Σ t² with group 1's term 2² → 1.5²
    EXPECT_FLOAT_EQ(grad[0], -2.0f);
    EXPECT_FLOAT_EQ(grad[100], -3.0f);
    EXPECT_FLOAT_EQ(grad[999], -20.0f);
}

TEST(Toy, NineDimensionsCannotSolveIt) {
    for (uint64_t seed = 0; seed < 3; ++seed) {
        TrainResult r = train_toy(9, seed);
        EXPECT_EQ(r.test_accuracy, 0.0) << "seed " << seed;
        EXPECT_GT(r.test_loss, 1e-2) << "seed " << seed;   // a residual no training removes
    }
}

TEST(Toy, TenDimensionsSolveIt) {
    for (uint64_t seed = 0; seed < 3; ++seed) {
        TrainResult r = train_toy(10, seed);
        EXPECT_EQ(r.stop, StopReason::reached_target) << "seed " << seed;
        EXPECT_LT(r.test_loss, 1e-3) << "seed " << seed;
    }
}

TEST(Toy, SearchFindsIntrinsicDimensionTen) {
    DintConfig config;
    config.d_min = 1;
    config.d_max = 1000;
    config.fraction = 1.0;
    DintResult result = search_intrinsic_dim(config, 1.0, [](const auto& jobs) {
        std::vector<RunOutcome> out;
        for (const RunRequest& j : jobs) out.push_back({j.d, j.seed, train_toy(j.d, j.seed).test_accuracy});
        return out;
    });
    ASSERT_TRUE(result.d_int.has_value());
    EXPECT_EQ(*result.d_int, 10u);
}
