// Subspace training step θ = θ0 + P·θ_d on FC/MNIST (batch 128, Adam) for every projection:
// ms per step and the peak resident memory of the workload (P, model, data, buffers), at
// d ∈ {100, 750, 5000}; how the cost grows with d (10 … 10^5) and with the FC width (50 … 1600);
// and dense P regenerated in tiles at D = 199,210, d = 20,000 (16 GB if it were stored).
// kind: dense (stored), dense-tiled, sparse, fastfood, full (ordinary training, for reference).

#include <algorithm>

#include "bench_common.h"
#include "idim/backend.h"
#include "idim/projection.h"

namespace idim::bench {
namespace {

double fastest(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

// One workload, built once and kept while Google Benchmark calls the function again (estimate,
// repetitions): building a dense P of 0.6–4 GB takes seconds.
struct Workload {
    std::string key;
    Training training;
    size_t projection_bytes = 0;
};

void build(Workload& w, const std::string& kind, size_t d, int width) {
    SubspaceSpec spec = kind == "full" ? bench_spec(Method::full)
                                       : bench_spec(Method::subspace, parse_projection(kind == "dense-tiled" ? "dense" : kind), d);
    spec.max_projection_mb = kind == "dense-tiled" ? 0 : 1e9;
    w.training = make_training(bench_model("fc", width), spec);
    w.projection_bytes = w.training.param->memory_bytes();
}

Workload& workload(const std::string& kind, size_t d, int width) {
    static Workload current;
    const std::string key = kind + "/" + std::to_string(d) + "/" + std::to_string(width);
    if (current.key == key) return current;
    current = Workload{};  // free the previous P before measuring this one's peak
    reset_peak_rss();
    build(current, kind, d, width);
    current.key = key;
    return current;
}

// args: d, threads, width
void BM_SubspaceStep(benchmark::State& state, const std::string& kind) {
    Backend& be = default_backend();
    const size_t d = size_t(state.range(0));
    const int threads = int(state.range(1)), width = int(state.range(2));
    be.set_threads(threads);   // the kernels' and the projections' parallel loops
    Workload& w = workload(kind, d, width);
    if (kind != "dense-tiled" || d < 5000) w.training.step();  // warm (a tiled step at 20,000 takes minutes)
    for (auto _ : state) benchmark::DoNotOptimize(w.training.step());
    state.counters["D"] = double(w.training.task->dim());
    state.counters["d"] = double(d);
    state.counters["threads"] = threads;
    state.counters["width"] = width;
    state.counters["P_MB"] = double(w.projection_bytes) / 1e6;
    state.counters["peak_rss_MB"] = peak_rss_mb();
    be.set_threads(1);
}

// Fastfood d = 750 against the full step on 2 threads, in turns of kTurn steps each, so both
// meet the same moments of a shared host, where rows run minutes apart may not. A turn's first step (caches still holding the other workload) is
// not counted; step by step turns measured both sides 20–40% slower than alone. Counters: each
// side's median ms per step and their ratio; one iteration is a turn of each.
void BM_FastfoodAgainstFullSideBySide(benchmark::State& state) {
    constexpr int kTurn = 20;
    Backend& be = default_backend();
    be.set_threads(2);
    static Workload full, fastfood;
    if (!full.training.trainer) build(full, "full", 0, 200);
    if (!fastfood.training.trainer) build(fastfood, "fastfood", 750, 200);
    std::vector<double> full_ms, fastfood_ms;
    const auto turn = [&](Workload& w, std::vector<double>& times) {
        benchmark::DoNotOptimize(w.training.step());
        for (int s = 1; s < kTurn; ++s)
            times.push_back(milliseconds([&] { benchmark::DoNotOptimize(w.training.step()); }));
    };
    for (auto _ : state) {
        turn(full, full_ms);
        turn(fastfood, fastfood_ms);
    }
    state.counters["full_ms"] = median(full_ms);
    state.counters["fastfood_ms"] = median(fastfood_ms);
    state.counters["ratio"] = median(fastfood_ms) / median(full_ms);
    be.set_threads(1);
}
BENCHMARK(BM_FastfoodAgainstFullSideBySide)->Iterations(50)->Repetitions(1)->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void main_grid(benchmark::internal::Benchmark* b, std::vector<int64_t> dims) {
    b->ArgNames({"d", "threads", "width"});
    for (int64_t d : dims) b->Args({d, 2, 200});
    b->UseRealTime()->ComputeStatistics("min", fastest)->Unit(benchmark::kMillisecond);
}

// The headline grid, 2 threads; fastfood d = 750 also on 1 thread (the WebAssembly yardstick).
BENCHMARK_CAPTURE(BM_SubspaceStep, full, std::string("full"))
    ->Apply([](auto* b) { main_grid(b, {0}); })->Args({0, 1, 200});
BENCHMARK_CAPTURE(BM_SubspaceStep, fastfood, std::string("fastfood"))
    ->Apply([](auto* b) { main_grid(b, {100, 750, 5000}); })->Args({750, 1, 200});
BENCHMARK_CAPTURE(BM_SubspaceStep, sparse, std::string("sparse"))
    ->Apply([](auto* b) { main_grid(b, {100, 750, 5000}); });
BENCHMARK_CAPTURE(BM_SubspaceStep, dense, std::string("dense"))
    ->Apply([](auto* b) { main_grid(b, {100, 750}); });
// 4 GB of P read twice: one repetition of two steps is enough to time it.
BENCHMARK_CAPTURE(BM_SubspaceStep, dense, std::string("dense"))
    ->Apply([](auto* b) { main_grid(b, {5000}); })->Iterations(2)->Repetitions(1);
BENCHMARK_CAPTURE(BM_SubspaceStep, dense_tiled, std::string("dense-tiled"))
    ->Apply([](auto* b) { main_grid(b, {100, 750}); });
BENCHMARK_CAPTURE(BM_SubspaceStep, dense_tiled, std::string("dense-tiled"))
    ->Apply([](auto* b) { main_grid(b, {5000, 20000}); })->Iterations(1)->Repetitions(1);

// Growth with d (2 threads, FC 200-200).
BENCHMARK_CAPTURE(BM_SubspaceStep, scale_d_fastfood, std::string("fastfood"))
    ->Apply([](auto* b) { main_grid(b, {10, 1000, 10000, 100000}); });
BENCHMARK_CAPTURE(BM_SubspaceStep, scale_d_sparse, std::string("sparse"))
    ->Apply([](auto* b) { main_grid(b, {10, 1000, 10000, 100000}); });
BENCHMARK_CAPTURE(BM_SubspaceStep, scale_d_dense, std::string("dense"))
    ->Apply([](auto* b) { main_grid(b, {10, 1000}); });
BENCHMARK_CAPTURE(BM_SubspaceStep, scale_d_dense_tiled, std::string("dense-tiled"))
    ->Apply([](auto* b) { main_grid(b, {10, 1000}); })->Iterations(2)->Repetitions(1);

// Growth with D: FC width w-w, d = 750 (2 threads).
void width_grid(benchmark::internal::Benchmark* b) {
    b->ArgNames({"d", "threads", "width"});
    for (int w : {50, 100, 400, 800, 1600}) b->Args({750, 2, w});
    b->UseRealTime()->ComputeStatistics("min", fastest)->Unit(benchmark::kMillisecond);
}
BENCHMARK_CAPTURE(BM_SubspaceStep, scale_width_full, std::string("full"))->Apply(width_grid);
BENCHMARK_CAPTURE(BM_SubspaceStep, scale_width_fastfood, std::string("fastfood"))->Apply(width_grid);
BENCHMARK_CAPTURE(BM_SubspaceStep, scale_width_sparse, std::string("sparse"))->Apply(width_grid);

}  // namespace
}  // namespace idim::bench

BENCHMARK_MAIN();
