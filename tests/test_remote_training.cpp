// Training on the remote test backend, whose memory the host cannot read: θ0, θ, the trainable
// vector, the gradients, the optimiser state and SAID's arrays live there, so a host loop left over
// on any of them faults. Every method and projection must give the reference backend's bits.
#include <gtest/gtest.h>

#include "idim/subspace.h"
#include "idim/trainer.h"
#include "synthetic_data.h"

namespace idim {
namespace {

struct Case {
    Method method;
    std::string projection;
    uint64_t d;
    double max_projection_mb = default_max_projection_mb;
};

TrainResult train_on(Backend& be, const std::string& model, const Case& c, bool early_stop) {
    const Shape shape = model == "lenet" ? Shape{16, 16, 1} : Shape{1, 1, 6};
    DataSplit data = testing::blob_split();
    if (model == "lenet")   // the blobs' 6 features spread over a small image
        for (Dataset* set : {&data.train, &data.test}) {
            std::vector<float> images(set->size() * 256, 0.0f);
            for (size_t i = 0; i < set->size(); ++i)
                for (int f = 0; f < 6; ++f) images[i * 256 + size_t(f) * 40] = set->images[i * 6 + f];
            set->images = std::move(images);
            set->height = set->width = 16;
            set->channels = 1;
        }
    auto task = classification_task(make_model({parse_model(model), {16}}, shape, 3), std::move(data));
    SubspaceSpec spec;
    spec.method = c.method;
    if (!c.projection.empty()) spec.projection = parse_projection(c.projection);
    spec.d = c.d;
    spec.seed = 5;
    spec.max_projection_mb = c.max_projection_mb;
    auto param = make_parametrization(be, *task, spec);
    TrainConfig config = subspace_train_config();
    config.epochs = model == "lenet" ? 1 : 3;   // the reference convolution is slow
    config.batch = 32;
    config.weight_decay = 1e-4;
    TrainHooks hooks;
    if (early_stop) hooks.target_accuracy = 0.5;
    return train(be, *task, *param, config, hooks);
}

void expect_same(const TrainResult& a, const TrainResult& b, const std::string& what) {
    ASSERT_EQ(a.epochs.size(), b.epochs.size()) << what;
    for (size_t e = 0; e < a.epochs.size(); ++e) {
        EXPECT_EQ(a.epochs[e].train_loss, b.epochs[e].train_loss) << what << " epoch " << e;
        EXPECT_EQ(a.epochs[e].test_loss, b.epochs[e].test_loss) << what << " epoch " << e;
        EXPECT_EQ(a.epochs[e].test_accuracy, b.epochs[e].test_accuracy) << what << " epoch " << e;
    }
    EXPECT_EQ(a.trainable, b.trainable) << what;
    EXPECT_EQ(a.stop, b.stop) << what;
}

const std::vector<Case> kCases = {
    {Method::full, "", 0},
    {Method::subspace, "dense", 20},
    {Method::subspace, "dense", 20, 0.0},   // regenerated in tiles
    {Method::subspace, "sparse", 20},
    {Method::subspace, "fastfood", 20},
    {Method::said, "fastfood", 24},
    {Method::said, "dense", 24},
};

TEST(RemoteTraining, EveryMethodGivesTheReferenceBitsOnFc) {
    for (const Case& c : kCases) {
        const std::string what = to_string(c.method) + "/" + c.projection;
        expect_same(train_on(backend_by_name("reference"), "fc", c, false),
                    train_on(backend_by_name("remote"), "fc", c, false), what);
    }
}

TEST(RemoteTraining, EveryProjectionGivesTheReferenceBitsOnLenet) {
    for (const Case& c : kCases) {
        const std::string what = to_string(c.method) + "/" + c.projection;
        expect_same(train_on(backend_by_name("reference"), "lenet", c, false),
                    train_on(backend_by_name("remote"), "lenet", c, false), what);
    }
}

TEST(RemoteTraining, CheckpointsOfEarlyStopsComeBackFromIt) {
    const Case c{Method::said, "sparse", 24};
    TrainResult ref = train_on(backend_by_name("reference"), "fc", c, true);
    TrainResult rem = train_on(backend_by_name("remote"), "fc", c, true);
    expect_same(ref, rem, "early stop");
    ASSERT_TRUE(rem.checkpoint);
    EXPECT_EQ(rem.checkpoint->state.trainable, ref.checkpoint->state.trainable);
    EXPECT_EQ(rem.checkpoint->state.optimizer.b, ref.checkpoint->state.optimizer.b);
}

}  // namespace
}  // namespace idim

namespace idim {
namespace {

TrainResult train_task(Backend& be, Task& task) {
    SubspaceSpec spec;
    spec.method = Method::subspace;
    spec.projection = parse_projection("fastfood");
    spec.d = 20;
    spec.seed = 5;
    auto param = make_parametrization(be, task, spec);
    TrainConfig config = subspace_train_config();
    config.epochs = 2;
    config.batch = 32;
    return train(be, task, *param, config, {});
}

}  // namespace

// A sweep's tasks share one copy of the data set in backend memory (share_data). It must live as
// long as any task does: freed memory of the remote backend reads back as zeros, so a task left
// reading a copy freed with another task, or with the data's first owner, trains differently.
TEST(RemoteTraining, TasksSharingTheDataKeepItAfterTheOthersGo) {
    Backend& remote = backend_by_name("remote");
    auto fc = [] { return make_model({ModelKind::fc, {16}}, Shape{1, 1, 6}, 3); };
    auto own = classification_task(fc(), testing::blob_split());
    const TrainResult want = train_task(backend_by_name("reference"), *own);
    ASSERT_EQ(want.epochs.size(), size_t(2));

    std::shared_ptr<const SharedData> data = share_data(testing::blob_split());
    auto first = classification_task(fc(), data);
    auto second = classification_task(fc(), data);
    data.reset();
    expect_same(train_task(remote, *first), want, "first task");
    first.reset();   // the shared copy must outlive it
    expect_same(train_task(remote, *second), want, "second task, after the first went");
}

}  // namespace idim
