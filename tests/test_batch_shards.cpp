// A batch cut into shards (data parallel: one sub-batch per thread, each on a model replica of its
// own) gives the batch's mean loss and gradient, against the same batch run whole on one thread;
// shards do not split again, and a shard's exception reaches the caller.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "idim/error.h"
#include "idim/task.h"
#include "synthetic_data.h"

using namespace idim;

namespace {

Backend& cpu() { return backend_by_name("cpu"); }

TEST(BatchShards, CpuOffersOneShardPerThreadAndNoneInsideAShard) {
    cpu().set_threads(2);
    EXPECT_EQ(cpu().batch_shards(), 2);
    std::vector<int> inside(2, -1);
    cpu().run_shards(2, [&](int s) { inside[size_t(s)] = cpu().batch_shards(); });
    EXPECT_EQ(inside, (std::vector<int>{1, 1}));
    cpu().set_threads(1);
    EXPECT_EQ(cpu().batch_shards(), 1);
    EXPECT_EQ(backend_by_name("reference").batch_shards(), 1);
}

TEST(BatchShards, AnExceptionInAShardReachesTheCaller) {
    cpu().set_threads(2);
    std::vector<int> finished(2, 0);
    EXPECT_THROW(cpu().run_shards(2,
                                  [&](int s) {
                                      finished[size_t(s)] = 1;
                                      if (s == 1) throw Error("shard 1 failed");
                                  }),
                 Error);
    EXPECT_EQ(finished, (std::vector<int>{1, 1}));
    cpu().set_threads(1);
}

struct StepResult {
    Metrics metrics;
    std::vector<float> grad;
};

StepResult one_step(Task& task, const std::vector<float>& theta, std::span<const uint32_t> batch,
                    int threads) {
    cpu().set_threads(threads);
    StepResult r{{}, std::vector<float>(task.dim(), NAN)};
    r.metrics = task.loss_and_grad(cpu(), theta.data(), batch, r.grad.data());
    cpu().set_threads(1);
    return r;
}

// Largest |sharded − whole| over dθ, against the largest |dθ| (a NaN, an entry no shard wrote,
// makes the difference NaN).
std::pair<float, float> gradient_gap(const StepResult& whole, const StepResult& sharded) {
    float largest = 0, worst = 0;
    for (size_t i = 0; i < whole.grad.size(); ++i) {
        largest = std::max(largest, std::abs(whole.grad[i]));
        const float diff = std::abs(sharded.grad[i] - whole.grad[i]);
        if (!(diff <= worst)) worst = diff;
    }
    return {worst, largest};
}

void expect_shards_match_whole(Task& task, int n, int threads, float tolerance) {
    std::vector<float> theta(task.dim());
    task.init_params(theta.data(), 7);
    std::vector<uint32_t> batch(static_cast<size_t>(n));
    for (size_t i = 0; i < batch.size(); ++i) batch[i] = uint32_t(i * 7 % task.train_size());
    StepResult whole = one_step(task, theta, batch, 1);
    StepResult sharded = one_step(task, theta, batch, threads);
    const std::string where = std::to_string(n) + " samples, " + std::to_string(threads) + " shards";
    EXPECT_NEAR(sharded.metrics.loss, whole.metrics.loss, 1e-6 * whole.metrics.loss) << where;
    EXPECT_NEAR(sharded.metrics.accuracy, whole.metrics.accuracy, 1.0 / n) << where;
    auto [worst, largest] = gradient_gap(whole, sharded);
    EXPECT_GT(largest, 0.0f) << where;
    EXPECT_LE(worst, tolerance * largest) << where << ": largest |dθ| " << largest;
}

// 784 features per sample, seen as the model's input shape.
DataSplit mnist_shaped_blobs(Shape shape) {
    DataSplit data{idim::testing::gaussian_blobs(300, 10, 784, 5),
                   idim::testing::gaussian_blobs(20, 10, 784, 6), "blobs"};
    for (Dataset* d : {&data.train, &data.test}) {
        d->height = shape.height;
        d->width = shape.width;
        d->channels = shape.channels;
    }
    return data;
}

// FC on 784 features (MNIST's shape, so the products take the kernels training uses): 128 samples
// on 2 threads (64 + 64) and 97 on 3 (32 + 32 + 33, unequal shares).
TEST(BatchShards, ShardedFcBatchGivesTheWholeBatchsLossAndGradient) {
    auto task = classification_task(make_model({ModelKind::fc, {200, 200}}, {1, 1, 784}, 10),
                                    mnist_shaped_blobs({1, 1, 784}));
    expect_shards_match_whole(*task, 128, 2, 1e-5f);
    expect_shards_match_whole(*task, 97, 3, 1e-5f);
}

// LeNet: each shard's convolution and pooling layers keep their own input-gradient columns and argmax.
// Its kernel gradients sum over 18,432 positions per shard, hence the looser bound.
TEST(BatchShards, ShardedLenetBatchGivesTheWholeBatchsLossAndGradient) {
    auto task = classification_task(make_model({ModelKind::lenet, {}}, {28, 28, 1}, 10),
                                    mnist_shaped_blobs({28, 28, 1}));
    expect_shards_match_whole(*task, 64, 2, 1e-4f);
}

}  // namespace
