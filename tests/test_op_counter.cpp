// The counting backend: it counts every call at the seam and changes nothing — a run through it
// gives the bits of the backend it wraps. A trainer on a backend the host cannot read uploads
// the batch order once an epoch, reads the loss every 16 steps and at the epoch's end, allocates
// nothing in its steps, and still stops a diverged run (within 16 steps).
#include <gtest/gtest.h>

#include "idim/buffer.h"
#include "idim/op_counter.h"
#include "idim/parametrization.h"
#include "idim/subspace.h"
#include "idim/trainer.h"
#include "synthetic_data.h"

namespace idim {
namespace {

TEST(OpCounter, CountsKernelsTransfersAndAllocations) {
    CountingBackend counter(backend_by_name("remote"));
    const std::vector<float> host = {1.0f, -2.0f, 3.0f};
    Buffer<float> x(counter, host), y(counter, 3);   // 2 allocations, 1 upload
    counter.add(3, x.data(), x.data(), y.data());
    const double d = counter.dot(3, x.data(), y.data());   // a number back: a download
    const std::vector<float> back = y.download();
    const OpCounts c = counter.counts();
    EXPECT_EQ(c.allocations, 2);
    EXPECT_EQ(c.uploads, 1);
    EXPECT_EQ(c.ops, 2);
    EXPECT_EQ(c.downloads, 2);
    EXPECT_EQ(back, (std::vector<float>{2.0f, -4.0f, 6.0f}));
    EXPECT_EQ(d, 28.0);
}

struct CountedRun {
    TrainResult result;
    std::vector<OpCounts> steps;   // each from before a step to after it
};

CountedRun fastfood_run(Backend& be, const CountingBackend* counter) {
    auto task = classification_task(make_model({ModelKind::fc, {16}}, {1, 1, 6}, 3),
                                    testing::blob_split());
    SubspaceSpec spec;
    spec.d = 20;
    spec.seed = 5;
    auto param = make_parametrization(be, *task, spec);
    TrainConfig config = subspace_train_config();
    config.epochs = 2;
    config.batch = 32;
    CountedRun run;
    OpCounts mark;
    bool started = false;
    TrainHooks hooks;
    if (counter) {
        hooks.on_trainer = [&](const Trainer&) {
            if (started) run.steps.push_back(counter->counts() - mark);
            started = true;
            mark = counter->counts();
        };
        hooks.on_epoch = [&](const EpochRecord&) {
            mark = counter->counts();
            return true;
        };
    }
    run.result = train(be, *task, *param, config, hooks);
    return run;
}

TEST(OpCounter, StepsUploadTheOrderOnceAnEpochAndAllocateNothing) {
    CountingBackend counter(backend_by_name("remote"));
    const CountedRun counted = fastfood_run(counter, &counter);
    const CountedRun plain = fastfood_run(backend_by_name("reference"), nullptr);
    ASSERT_EQ(counted.steps.size(), 2u * 19);   // 600 blobs in batches of 32
    for (size_t s = 0; s < counted.steps.size(); ++s) {
        const OpCounts& c = counted.steps[s];
        // the order and a zeroed loss sum at an epoch's start (the data set goes once per process
        // to the backend that owns the memory, not through a run's counter); the loss read at 16
        // and 19
        EXPECT_EQ(c.uploads, s % 19 == 0 ? 2 : 0) << "step " << s;
        EXPECT_EQ(c.downloads, s % 19 == 15 || s % 19 == 18 ? 1 : 0) << "step " << s;
        if (s > 0) EXPECT_EQ(c.allocations, 0) << "step " << s << " (the first sets up workspaces)";
        // gathers 2, forward 4 (dense, bias + ReLU, dense, bias), loss 2 (its sum kept on the
        // backend), backward 6, Fastfood's expand 6 and contract 5, Adam 1; the first step after
        // an evaluation finds θ expanded already
        EXPECT_EQ(c.ops, s == 19 ? 20 : 26) << "step " << s;
    }
    EXPECT_EQ(counted.result.trainable, plain.result.trainable);
    EXPECT_EQ(counted.result.epochs.back().train_loss, plain.result.epochs.back().train_loss);
}

TEST(OpCounter, ADivergedRunStopsWithinSixteenStepsOfTheHost) {
    auto diverging = [](Backend& be) {
        auto task = classification_task(make_model({ModelKind::fc, {16}}, {1, 1, 6}, 3),
                                        testing::blob_split());
        std::vector<float> theta0(task->dim());
        task->init_params(theta0.data(), 3);
        auto param = full_parametrization(be, theta0);
        TrainConfig c;
        c.epochs = 3;
        c.batch = 32;
        c.optimizer.kind = OptimizerKind::sgd;
        c.optimizer.lr = 1e12;
        return train(be, *task, *param, c);
    };
    const TrainResult host = diverging(backend_by_name("reference"));
    const TrainResult device = diverging(backend_by_name("remote"));
    ASSERT_TRUE(host.diverged());
    ASSERT_TRUE(device.diverged());
    EXPECT_EQ(device.epochs.size(), host.epochs.size());
    EXPECT_GE(device.steps, host.steps);
    EXPECT_LT(device.steps, host.steps + 16);
}

}  // namespace
}  // namespace idim
