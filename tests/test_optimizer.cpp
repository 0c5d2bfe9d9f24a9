// Optimiser updates against hand-computed values, learning-rate schedules, and refusal of
// impossible settings.
#include <gtest/gtest.h>

#include <cmath>

#include "idim/error.h"
#include "idim/optimizer.h"

using namespace idim;

TEST(Optimizer, SgdMomentumFollowsTheTf1Update) {
    OptimizerConfig c;
    c.kind = OptimizerKind::sgd;
    c.momentum = 0.9;
    Optimizer opt(default_backend(), c, 1);
    float p = 1.0f, g = 0.5f;
    opt.step(0.1, &g, &p);   // v = 0.5, p = 1 − 0.05
    opt.step(0.1, &g, &p);   // v = 0.95, p = 0.95 − 0.095
    EXPECT_NEAR(p, 0.855f, 1e-6);
}

TEST(Optimizer, AdamFirstStepMovesByLearningRate) {
    // After one step m̂/√v̂ = g/|g|, so the parameter moves by lr (up to ε) against the gradient.
    OptimizerConfig c;
    c.kind = OptimizerKind::adam;
    Optimizer opt(default_backend(), c, 2);
    float p[2] = {0.0f, 0.0f}, g[2] = {3.0f, -0.01f};
    opt.step(0.01, g, p);
    EXPECT_NEAR(p[0], -0.01f, 1e-6);
    EXPECT_NEAR(p[1], 0.01f, 1e-5);   // ε = 1e-7 against |g| = 0.01 shifts it by 1e-5 relative
}

TEST(Optimizer, BackendsAgreeOnAdamTrajectory) {
    OptimizerConfig c;
    c.kind = OptimizerKind::adam;
    Optimizer a(backend_by_name("reference"), c, 5), b(backend_by_name("cpu"), c, 5);
    float pa[5] = {1, 2, 3, 4, 5}, pb[5] = {1, 2, 3, 4, 5};
    for (int step = 0; step < 20; ++step) {
        float g[5];
        for (int i = 0; i < 5; ++i) g[i] = std::sin(float(step + i));
        a.step(0.01, g, pa);
        b.step(0.01, g, pb);
    }
    for (int i = 0; i < 5; ++i) EXPECT_NEAR(pa[i], pb[i], 1e-5);  // float rounding order only
}

TEST(Optimizer, SchedulesGiveTheDocumentedRates) {
    OptimizerConfig c;
    c.lr = 1.0;
    c.schedule = Schedule::constant;
    EXPECT_DOUBLE_EQ(scheduled_lr(c, 7.5, 10), 1.0);
    c.schedule = Schedule::step;
    c.step_epochs = 3;
    c.step_gamma = 0.5;
    EXPECT_DOUBLE_EQ(scheduled_lr(c, 2.9, 10), 1.0);
    EXPECT_DOUBLE_EQ(scheduled_lr(c, 3.0, 10), 0.5);
    EXPECT_DOUBLE_EQ(scheduled_lr(c, 6.5, 10), 0.25);
    c.schedule = Schedule::cosine;
    EXPECT_DOUBLE_EQ(scheduled_lr(c, 0, 10), 1.0);
    EXPECT_NEAR(scheduled_lr(c, 5, 10), 0.5, 1e-12);
    EXPECT_NEAR(scheduled_lr(c, 10, 10), 0.0, 1e-12);
}

TEST(Optimizer, ImpossibleSettingsAreRefused) {
    auto refused = [](auto edit) {
        OptimizerConfig c;
        edit(c);
        EXPECT_THROW(validate(c), Error);
    };
    refused([](OptimizerConfig& c) { c.lr = -0.1; });
    refused([](OptimizerConfig& c) { c.lr = std::nan(""); });
    refused([](OptimizerConfig& c) { c.momentum = 1.0; });
    refused([](OptimizerConfig& c) { c.beta2 = 1.5; });
    OptimizerConfig ok;
    EXPECT_NO_THROW(validate(ok));
}

TEST(Optimizer, KindsParseFromTheirNamesOnly) {
    EXPECT_EQ(parse_optimizer(to_string(OptimizerKind::adam)), OptimizerKind::adam);
    EXPECT_EQ(parse_schedule(to_string(Schedule::step)), Schedule::step);
    EXPECT_THROW(parse_optimizer("rmsprop"), Error);
    EXPECT_THROW(parse_schedule("linear"), Error);
}
