// Training on the cuda backend, checked against the cpu backend: the whole step runs on the GPU,
// where products and reductions round differently, so results agree within a tolerance rather
// than bit for bit. Skipped, with the reason, where the build has no cuda backend or no GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "backend_ops_helpers.h"
#include "idim/dint_search.h"
#include "idim/subspace.h"
#include "idim/trainer.h"
#include "synthetic_data.h"

namespace idim {
namespace {

// The cuda backend, or a skip saying why there is none.
Backend* cuda_backend(std::string& why) {
    const std::vector<std::string> names = backend_names();
    if (std::find(names.begin(), names.end(), "cuda") == names.end()) {
        why = "this build has no cuda backend (IDIM_CUDA is off)";
        return nullptr;
    }
    return testing::backend_or_why("cuda", why);
}

#define CUDA_OR_SKIP(var)                  \
    std::string why_##var;                 \
    Backend* var = cuda_backend(why_##var); \
    if (!var) GTEST_SKIP() << why_##var

TrainResult train_blobs(Backend& be, Method method, const std::string& projection, uint64_t d,
                        uint64_t seed) {
    auto task = classification_task(make_model({ModelKind::fc, {16}}, Shape{1, 1, 6}, 3),
                                    testing::blob_split());
    SubspaceSpec spec;
    spec.method = method;
    if (!projection.empty()) spec.projection = parse_projection(projection);
    spec.d = d;
    spec.seed = seed;
    auto param = make_parametrization(be, *task, spec);
    TrainConfig config = subspace_train_config();
    config.epochs = 3;
    config.batch = 32;
    return train(be, *task, *param, config, {});
}

}  // namespace

// Accuracy over 300 test points: rounding can move a point near the boundary across it, a few
// at most; 2% is 6 points. The losses follow the same trajectory to about 1%.
TEST(CudaTraining, ShortRunsReachTheCpuAccuracy) {
    CUDA_OR_SKIP(gpu);
    struct Case { Method method; const char* projection; uint64_t d; };
    for (const Case& c : {Case{Method::full, "", 0}, Case{Method::subspace, "dense", 20},
                          Case{Method::subspace, "sparse", 20}, Case{Method::subspace, "fastfood", 20},
                          Case{Method::said, "fastfood", 24}}) {
        const TrainResult on_gpu = train_blobs(*gpu, c.method, c.projection, c.d, 5);
        const TrainResult on_cpu = train_blobs(backend_by_name("cpu"), c.method, c.projection, c.d, 5);
        ASSERT_EQ(on_gpu.epochs.size(), on_cpu.epochs.size()) << c.projection;
        const auto& g = on_gpu.epochs.back();
        const auto& h = on_cpu.epochs.back();
        EXPECT_NEAR(g.test_accuracy, h.test_accuracy, 0.02) << to_string(c.method) << "/" << c.projection;
        EXPECT_NEAR(g.test_loss, h.test_loss, 0.01 * h.test_loss + 1e-3) << to_string(c.method) << "/" << c.projection;
    }
}

// The d_int90 search over d of a Fastfood subspace on the blobs. Rounding on the GPU may move a
// run near the threshold across it, and the search then brackets and bisects another step of its
// coarse sweep: the answers agree within one such step (a factor `growth`), not exactly.
TEST(CudaTraining, DintSearchGivesTheCpuAnswerWithinAStepOfItsGrid) {
    CUDA_OR_SKIP(gpu);
    DintConfig search;
    search.d_min = 1;
    search.d_max = 64;
    search.seeds = 2;
    auto batch_on = [](Backend& be) {
        return [&be](const std::vector<RunRequest>& jobs) {
            std::vector<RunOutcome> out;
            for (const RunRequest& r : jobs)
                out.push_back({r.d, r.seed, train_blobs(be, Method::subspace, "fastfood", r.d, r.seed)
                                                .epochs.back().test_accuracy});
            return out;
        };
    };
    const double threshold = 0.9 * 0.95;
    const DintResult gpu_answer = search_intrinsic_dim(search, threshold, batch_on(*gpu));
    const DintResult cpu_answer = search_intrinsic_dim(search, threshold, batch_on(backend_by_name("cpu")));
    ASSERT_TRUE(cpu_answer.d_int.has_value());
    ASSERT_TRUE(gpu_answer.d_int.has_value()) << "the cpu found d_int = " << *cpu_answer.d_int;
    const double ratio = double(*gpu_answer.d_int) / double(*cpu_answer.d_int);
    EXPECT_LE(std::max(ratio, 1.0 / ratio), search.growth)
        << "gpu d_int = " << *gpu_answer.d_int << ", cpu d_int = " << *cpu_answer.d_int;
}

}  // namespace idim
