// Saved runs rebuild what they were: a model file's θ and a subspace file's θ_d (with its seed
// and, when there was one, its starting point) give back the accuracy the run reported, exactly.
#include <gtest/gtest.h>

#include "idim/pretrained.h"
#include "idim/trainer.h"
#include "synthetic_data.h"

namespace idim {
namespace {

const Architecture kBlobFc{{ModelKind::fc, {8}}, {1, 1, 6}, 3};

std::unique_ptr<Task> blob_task() {
    return classification_task(make_model(kBlobFc.model, kBlobFc.input, kBlobFc.classes),
                               testing::blob_split(1));
}

TrainConfig short_config() {
    TrainConfig c = subspace_train_config();
    c.epochs = 2;
    c.batch = 32;
    return c;
}

// A subspace run over `start` (null: random θ0), saved as a subspace file and parsed back.
void expect_rebuilt_accuracy(std::shared_ptr<const StartingPoint> start) {
    Backend& be = default_backend();
    auto task = blob_task();
    SubspaceSpec spec;
    spec.method = Method::subspace;
    spec.projection = ProjectionKind::dense;
    spec.d = 12;
    spec.seed = 7;
    spec.start = start;
    auto param = make_parametrization(be, *task, spec);
    TrainConfig config = short_config();
    config.seed = spec.seed;
    const TrainResult r = train(be, *task, *param, config);

    ModelFile file = model_file_of(kBlobFc, std::vector<float>(task->dim()), spec.seed, r.steps,
                                   "blobs", "{}");
    file.kind = "subspace";
    file.subspace = SubspaceRecord{"subspace", "dense", spec.d, std::nullopt, false};
    file.values = r.trainable;
    const ModelFile back = parse_model_file(format_model_file(file), "s.idim");

    auto fresh = blob_task();
    const std::vector<float> theta = rebuild_theta(be, *fresh, back, start);
    const Buffer<float> on_device(be, std::span<const float>(theta));
    EXPECT_EQ(fresh->evaluate_test(be, on_device.data()).accuracy, r.test_accuracy);
    EXPECT_EQ(fresh->evaluate_test(be, on_device.data()).loss, r.test_loss);
    if (start) {   // the same θ_d around the random θ0 is another model: the start matters
        const std::vector<float> other = rebuild_theta(be, *fresh, back, nullptr);
        const Buffer<float> other_on_device(be, std::span<const float>(other));
        EXPECT_NE(fresh->evaluate_test(be, other_on_device.data()).loss, r.test_loss);
    }
}

TEST(SubspaceFile, RebuildsTheRunsAccuracyFromARandomStart) { expect_rebuilt_accuracy(nullptr); }

TEST(SubspaceFile, RebuildsTheRunsAccuracyFromAStartingPoint) {
    // The starting point: full training of the same network, saved and read back, new head.
    Backend& be = default_backend();
    auto task = blob_task();
    SubspaceSpec full;
    full.method = Method::full;
    full.seed = 2;
    auto param = make_parametrization(be, *task, full);
    const TrainResult pretrained = train(be, *task, *param, short_config());
    const ModelFile saved = parse_model_file(
        format_model_file(model_file_of(kBlobFc, pretrained.trainable, 2, pretrained.steps, "blobs", "{}")),
        "m.idim");
    expect_rebuilt_accuracy(starting_point(saved, kBlobFc, false, "m.idim"));
}

TEST(ModelFileStart, KeepHeadWithNoStepsGivesTheSavedAccuracy) {
    Backend& be = default_backend();
    auto task = blob_task();
    SubspaceSpec full;
    full.method = Method::full;
    full.seed = 4;
    auto param = make_parametrization(be, *task, full);
    const TrainResult r = train(be, *task, *param, short_config());
    const ModelFile saved =
        parse_model_file(format_model_file(model_file_of(kBlobFc, r.trainable, 4, r.steps, "blobs", "{}")),
                         "m.idim");
    SubspaceSpec from_file = full;
    from_file.seed = 99;   // the seed no longer matters: every parameter comes from the file
    from_file.start = starting_point(saved, kBlobFc, true, "m.idim");
    auto again = blob_task();
    const std::vector<float> theta0 = initial_params(*again, from_file);
    const Buffer<float> on_device(be, std::span<const float>(theta0));
    EXPECT_EQ(again->evaluate_test(be, on_device.data()).accuracy, r.test_accuracy);
}

}  // namespace
}  // namespace idim
