// The training loop: it learns an easy task, is bit-for-bit deterministic for a seed, reports
// divergence instead of throwing, stops early when asked, and refuses impossible settings.
#include <gtest/gtest.h>

#include <cmath>

#include "idim/error.h"
#include "idim/trainer.h"
#include "synthetic_data.h"

using namespace idim;

namespace {

struct Training {
    std::unique_ptr<Task> task;
    std::unique_ptr<Parametrization> param;
};

Training full_setup(uint64_t seed = 3) {
    auto task = classification_task(make_model({ModelKind::fc, {16}}, {1, 1, 6}, 3), idim::testing::blob_split());
    std::vector<float> theta0(task->dim());
    task->init_params(theta0.data(), seed);
    return {std::move(task), full_parametrization(default_backend(), theta0)};
}

// The 600 blobs in batches of 32: 19 steps per epoch.
TrainConfig blob_config(int epochs) {
    TrainConfig c;
    c.epochs = epochs;
    c.batch = 32;
    return c;
}

// A target no accuracy can reach: only the give-up rule or the budget ends the run.
TrainHooks unreachable_target(int give_up_from_epoch) {
    TrainHooks hooks;
    hooks.target_accuracy = 1.01;
    hooks.give_up_from_epoch = give_up_from_epoch;
    return hooks;
}

// Full training through expand and contract (copies of θ and dθ), as any other parametrization.
class CopyingFull final : public Parametrization {
public:
    explicit CopyingFull(std::unique_ptr<Parametrization> full) : full_(std::move(full)) {}
    std::string name() const override { return "copying full"; }
    size_t trainable_count() const override { return full_->trainable_count(); }
    void init_trainable(Backend& be, float* w) const override { full_->init_trainable(be, w); }
    void expand(Backend& be, const float* w, float* theta) override { full_->expand(be, w, theta); }
    void contract(Backend& be, const float* w, const float* dtheta, float* g) override {
        full_->contract(be, w, dtheta, g);
    }

private:
    std::unique_ptr<Parametrization> full_;
};

}  // namespace

TEST(Trainer, FullTrainingLearnsSeparableBlobs) {
    Training s = full_setup();
    TrainConfig c = blob_config(5);
    c.optimizer.lr = 0.01;
    TrainResult r = train(default_backend(), *s.task, *s.param, c);
    ASSERT_EQ(r.epochs.size(), 5u);
    EXPECT_GT(r.test_accuracy, 0.95);   // blobs 4σ apart: a linear rule gets ~99%
    EXPECT_LT(r.epochs.back().train_loss, r.epochs.front().train_loss);
    EXPECT_EQ(r.steps, 5 * 19);         // ⌈600 / 32⌉ steps per epoch, the last one partial
}

TEST(Trainer, SameSeedGivesBitIdenticalResults) {
    TrainConfig c;
    c.epochs = 2;
    c.batch = 50;
    c.seed = 9;
    Training a = full_setup(), b = full_setup();
    TrainResult ra = train(default_backend(), *a.task, *a.param, c);
    TrainResult rb = train(default_backend(), *b.task, *b.param, c);
    EXPECT_EQ(ra.trainable, rb.trainable);
    c.seed = 10;   // a different batch order must change the path
    Training d = full_setup();
    EXPECT_NE(train(default_backend(), *d.task, *d.param, c).trainable, ra.trainable);
}

TEST(Trainer, HugeLearningRateIsReportedAsDiverged) {
    Training s = full_setup();
    TrainConfig c;
    c.epochs = 3;
    c.optimizer.kind = OptimizerKind::sgd;
    c.optimizer.lr = 1e12;
    TrainResult r;
    ASSERT_NO_THROW(r = train(default_backend(), *s.task, *s.param, c));
    EXPECT_TRUE(r.diverged());
    EXPECT_TRUE(std::isnan(r.test_accuracy));
}

TEST(Trainer, StopsOnceTheTargetIsReached) {
    Training s = full_setup();
    TrainConfig c = blob_config(50);
    TrainHooks hooks;
    hooks.target_accuracy = 0.9;
    TrainResult r = train(default_backend(), *s.task, *s.param, c, hooks);
    EXPECT_EQ(r.stop, StopReason::reached_target);
    EXPECT_LT(r.epochs.size(), 50u);
    EXPECT_GE(r.test_accuracy, 0.9);
}

TEST(Trainer, StopsWhenTheTargetIsOutOfReach) {
    Training s = full_setup();
    TrainResult r = train(default_backend(), *s.task, *s.param, blob_config(50),
                          unreachable_target(TrainHooks{}.give_up_from_epoch));
    EXPECT_EQ(r.stop, StopReason::cannot_reach_target);
    EXPECT_LT(r.epochs.size(), 50u);
}

TEST(Trainer, GivesUpNoEarlierThanAskedAndNeverWhenTurnedOff) {
    Training s = full_setup();
    TrainConfig c = blob_config(12);
    TrainResult late = train(default_backend(), *s.task, *s.param, c, unreachable_target(8));
    EXPECT_EQ(late.stop, StopReason::cannot_reach_target);
    EXPECT_EQ(late.epochs.size(), 8u);
    TrainResult never = train(default_backend(), *s.task, *s.param, c, unreachable_target(0));
    EXPECT_EQ(never.stop, StopReason::completed);
    EXPECT_EQ(never.epochs.size(), 12u);
    EXPECT_THROW(train(default_backend(), *s.task, *s.param, c, unreachable_target(-1)), Error);
}

TEST(Trainer, AStoppedRunResumedFromItsCheckpointIsTheRunThatNeverStopped) {
    for (const char* optimizer : {"sgd", "adam"}) {
        TrainConfig c = blob_config(12);
        c.optimizer.kind = parse_optimizer(optimizer);
        c.optimizer.lr = 0.01;
        Training a = full_setup(), b = full_setup();
        TrainResult stopped = train(default_backend(), *a.task, *a.param, c, unreachable_target(3));
        ASSERT_EQ(stopped.stop, StopReason::cannot_reach_target) << optimizer;
        ASSERT_TRUE(stopped.checkpoint) << optimizer;
        ASSERT_LT(stopped.checkpoint->epochs.size(), 12u);
        TrainResult resumed = train(default_backend(), *a.task, *a.param, c, {}, stopped.checkpoint.get());
        TrainResult through = train(default_backend(), *b.task, *b.param, c);
        EXPECT_EQ(resumed.stop, StopReason::completed);
        EXPECT_EQ(resumed.trainable, through.trainable) << optimizer;   // bit for bit
        EXPECT_EQ(resumed.steps, through.steps);
        ASSERT_EQ(resumed.epochs.size(), through.epochs.size());
        for (size_t e = 0; e < through.epochs.size(); ++e) {
            EXPECT_EQ(resumed.epochs[e].test_loss, through.epochs[e].test_loss) << optimizer << e;
            EXPECT_EQ(resumed.epochs[e].train_loss, through.epochs[e].train_loss) << optimizer << e;
        }
        EXPECT_FALSE(resumed.checkpoint);   // it completed
    }
    Training s = full_setup();
    TrainCheckpoint foreign;
    foreign.state.trainable.resize(3);
    EXPECT_THROW(train(default_backend(), *s.task, *s.param, blob_config(2), {}, &foreign), Error);
}

TEST(Trainer, OnlyAnEarlyStopBeforeTheLastEpochLeavesACheckpoint) {
    Training s = full_setup();
    EXPECT_FALSE(train(default_backend(), *s.task, *s.param, blob_config(3)).checkpoint);
    TrainHooks reached;   // every accuracy reaches 0: the first epoch stops the run
    reached.target_accuracy = 0;
    TrainResult early = train(default_backend(), *s.task, *s.param, blob_config(2), reached);
    EXPECT_EQ(early.stop, StopReason::reached_target);
    EXPECT_TRUE(early.checkpoint);
    TrainResult at_last = train(default_backend(), *s.task, *s.param, blob_config(1), reached);
    EXPECT_EQ(at_last.stop, StopReason::reached_target);
    EXPECT_FALSE(at_last.checkpoint);   // nothing left to train
}

TEST(Trainer, TrainingAccuracyOfTheLastEpochOnlyIsThatOfEveryEpochRun) {
    TrainConfig c = blob_config(4);
    Training each = full_setup();
    TrainResult every = train(default_backend(), *each.task, *each.param, c);
    c.evaluate_train = TrainEval::last_epoch;
    Training last = full_setup();
    TrainResult at_end = train(default_backend(), *last.task, *last.param, c);
    ASSERT_EQ(at_end.epochs.size(), 4u);
    for (int e = 0; e < 3; ++e) EXPECT_TRUE(std::isnan(at_end.epochs[e].train_accuracy));
    EXPECT_EQ(at_end.epochs.back().train_accuracy, every.epochs.back().train_accuracy);
    EXPECT_EQ(at_end.train_accuracy, every.train_accuracy);
    EXPECT_GT(at_end.train_accuracy, 0.9);
}

TEST(Trainer, ImpossibleSettingsAreRefusedBeforeWork) {
    Training s = full_setup();
    TrainConfig c;
    c.epochs = 0;
    EXPECT_THROW(train(default_backend(), *s.task, *s.param, c), Error);
    c.epochs = 1;
    c.batch = 0;
    EXPECT_THROW(train(default_backend(), *s.task, *s.param, c), Error);
    c.batch = 8;
    c.optimizer.lr = -1;
    EXPECT_THROW(train(default_backend(), *s.task, *s.param, c), Error);
    c.optimizer.lr = 0.01;
    c.weight_decay = -1;
    EXPECT_THROW(train(default_backend(), *s.task, *s.param, c), Error);
}

TEST(Trainer, WeightDecayActsOnTheFullTheta) {
    // With a huge L2 term the loss is dominated by ‖θ‖², so training shrinks θ toward zero;
    // without it ‖θ‖ stays near ‖θ0‖ (measured: 0.11 of the squared norm against 1.0).
    auto squared_norm_after = [](double weight_decay) {
        Training s = full_setup();
        TrainConfig c;
        c.epochs = 3;
        c.weight_decay = weight_decay;
        c.optimizer.kind = OptimizerKind::sgd;
        c.optimizer.lr = 0.01;
        TrainResult r = train(default_backend(), *s.task, *s.param, c);
        double norm = 0;
        for (float v : r.trainable) norm += double(v) * v;
        return norm;
    };
    EXPECT_LT(squared_norm_after(10), 0.25 * squared_norm_after(0));
}

TEST(Trainer, TargetOnTrainingAccuracyJudgesTheTrainingSet) {
    // Memorisation runs judge training accuracy: the stop must follow it, not test accuracy.
    Training s = full_setup();
    TrainConfig c = blob_config(50);
    TrainHooks hooks;
    hooks.target_accuracy = 0.9;
    hooks.metric = Metric::train;
    TrainResult r = train(default_backend(), *s.task, *s.param, c, hooks);
    EXPECT_EQ(r.stop, StopReason::reached_target);
    EXPECT_GE(r.train_accuracy, 0.9);
    c.evaluate_train = TrainEval::last_epoch;   // nothing to judge then: refused before work
    Training t = full_setup();
    EXPECT_THROW(train(default_backend(), *t.task, *t.param, c, hooks), Error);
}

// The trainer uses w itself as θ in full training; with weight decay and the last-epoch training
// accuracy, that must be the run the copies of θ and dθ give, bit for bit.
TEST(Trainer, FullTrainingOnThetaItselfIsTheRunWithCopies) {
    TrainConfig c = blob_config(3);
    c.weight_decay = 1e-3;
    c.evaluate_train = TrainEval::last_epoch;
    Training direct = full_setup(), copying = full_setup();
    copying.param = std::make_unique<CopyingFull>(std::move(copying.param));
    ASSERT_TRUE(direct.param->trainable_is_theta());
    ASSERT_FALSE(copying.param->trainable_is_theta());
    TrainResult a = train(default_backend(), *direct.task, *direct.param, c);
    TrainResult b = train(default_backend(), *copying.task, *copying.param, c);
    EXPECT_EQ(a.trainable, b.trainable);
    EXPECT_EQ(a.train_accuracy, b.train_accuracy);
    ASSERT_EQ(a.epochs.size(), b.epochs.size());
    for (size_t e = 0; e < a.epochs.size(); ++e) {
        EXPECT_EQ(a.epochs[e].test_loss, b.epochs[e].test_loss);
        EXPECT_EQ(a.epochs[e].train_loss, b.epochs[e].train_loss);
    }
}

// A d_int search's baseline trains with full training's settings, not the subspace runs', but
// with their seed, weight decay and training-accuracy measurement.
TEST(Trainer, TheBaselineTakesFullTrainingSettingsAndTheRunsWeightDecay) {
    TrainConfig sub = subspace_train_config();
    sub.weight_decay = 1e-4;
    sub.evaluate_train = TrainEval::every_epoch;
    const TrainConfig b = baseline_train_config(sub), full;
    EXPECT_EQ(b.weight_decay, 1e-4);
    EXPECT_EQ(b.evaluate_train, TrainEval::every_epoch);
    EXPECT_EQ(b.epochs, full.epochs);
    EXPECT_EQ(b.batch, full.batch);
    EXPECT_EQ(b.optimizer.kind, full.optimizer.kind);
    EXPECT_EQ(b.optimizer.lr, full.optimizer.lr);
    EXPECT_EQ(b.optimizer.schedule, full.optimizer.schedule);
    EXPECT_NE(b.optimizer.lr, sub.optimizer.lr);
    // a run's defaults: the toy's own whatever the method, else full training's or the subspace runs'
    EXPECT_EQ(default_train_config(true, false).epochs, toy_train_config().epochs);
    EXPECT_EQ(default_train_config(true, true).optimizer.lr, toy_train_config().optimizer.lr);
    EXPECT_EQ(default_train_config(false, true).optimizer.lr, full.optimizer.lr);
    EXPECT_EQ(default_train_config(false, false).optimizer.lr, subspace_train_config().optimizer.lr);
}
