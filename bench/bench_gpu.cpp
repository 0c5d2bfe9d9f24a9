// The GPU's benchmark rows, on the backend IDIM_BACKEND names (scripts/gpu_check.sh sets cuda;
// any backend runs them): one Adam subspace step at batch 128 on synthetic MNIST-shaped data for
//   fastfood_fc200   FC 784-200-200-10 (D = 199,210), Fastfood d = 750
//   fastfood_large   FC 784-3000-3000-10 (D ≈ 1.14·10^7), Fastfood d = 1,000
//   dense_stored     FC 784-200-200-10, dense P stored in the backend at d = 20,000 (16 GB)
// A step ends when its loss is back on the host, so each figure is the whole step's latency.
#include "bench_common.h"
#include "idim/backend.h"

namespace idim::bench {
namespace {

// args: d, width; the projection's kind from the capture
void BM_GpuStep(benchmark::State& state, ProjectionKind kind) {
    Backend& be = default_backend();
    const size_t d = size_t(state.range(0));
    SubspaceSpec spec = bench_spec(Method::subspace, kind, d);
    spec.max_projection_mb = 1e9;   // dense: stored, never tiled
    Training training = make_training(bench_model("fc", int(state.range(1))), spec, be);
    training.step();   // warm: the first step builds workspaces and groupings
    for (auto _ : state) benchmark::DoNotOptimize(training.step());
    state.counters["D"] = double(training.task->dim());
    state.counters["d"] = double(d);
    state.SetLabel(be.description());
}

BENCHMARK_CAPTURE(BM_GpuStep, fastfood_fc200, ProjectionKind::fastfood)
    ->ArgNames({"d", "width"})->Args({750, 200})->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_GpuStep, fastfood_large, ProjectionKind::fastfood)
    ->ArgNames({"d", "width"})->Args({1000, 3000})->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_GpuStep, dense_stored, ProjectionKind::dense)
    ->ArgNames({"d", "width"})->Args({20000, 200})->UseRealTime()->Iterations(20)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace idim::bench

BENCHMARK_MAIN();
