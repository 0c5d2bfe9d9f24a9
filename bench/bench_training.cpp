// Full training step (FC 784-200-200-10 and LeNet on 28×28×1, batch 128, Adam) at 1 and 2 threads:
// ms per step, samples/s and the matrix-product GFLOP/s it achieves; beside it, in the same run,
// the machine's peak single-precision matrix-product rate (idim's gemm, 1024³) that the fraction
// of peak in bench/run_all.sh is taken against, and the FMA units' rate that bounds it.
// Run: bench_training --benchmark_repetitions=5 --benchmark_format=json (read the _min rows).
#include <algorithm>

#include "bench_common.h"
#include "idim/backend.h"

#include <xsimd/xsimd.hpp>

namespace idim::bench {
namespace {

double fastest(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

void BM_FullStep(benchmark::State& state, const std::string& model_name) {
    Backend& be = default_backend();
    const int threads = int(state.range(0));
    be.set_threads(threads);
    auto model = bench_model(model_name);
    const double flops = step_flops(*model, kBatch);
    Training training = make_training(std::move(model), bench_spec(Method::full));
    for (int i = 0; i < 3; ++i) training.step();  // warm: buffers sized, threads started
    for (auto _ : state) benchmark::DoNotOptimize(training.step());
    state.counters["flop_per_step"] = flops;
    state.counters["GFLOP/s"] =
        benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["samples/s"] =
        benchmark::Counter(kBatch, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["threads"] = threads;
    be.set_threads(1);
}
BENCHMARK_CAPTURE(BM_FullStep, fc, std::string("fc"))
    ->ArgName("threads")->Arg(1)->Arg(2)
    ->UseRealTime()->ComputeStatistics("min", fastest)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FullStep, lenet, std::string("lenet"))
    ->ArgName("threads")->Arg(1)->Arg(2)
    ->UseRealTime()->ComputeStatistics("min", fastest)->Unit(benchmark::kMillisecond);

// The ceiling: a large square product, where the packed kernel's blocking comes closest to the
// FMA units' rate.
void BM_PeakGemm(benchmark::State& state) {
    Backend& be = default_backend();
    const int n = 1024, threads = int(state.range(0));
    be.set_threads(threads);
    std::vector<float> a(size_t(n) * n, 0.5f), b(size_t(n) * n, 0.25f), c(size_t(n) * n);
    for (auto _ : state) {
        be.gemm(Transpose::no, Transpose::no, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f,
                c.data(), n);
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    }
    state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n * 1e-9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
    state.counters["threads"] = threads;
    be.set_threads(1);
}
BENCHMARK(BM_PeakGemm)
    ->ArgName("threads")->Arg(1)->Arg(2)
    ->UseRealTime()->ComputeStatistics("min", fastest)->Unit(benchmark::kMillisecond);

// The FC step on 2 threads against the peak product in turns (20 steps, then 3 products of
// 1024³; the first of each kind in a turn, with the other's data in the caches, not counted), so
// both meet the same moments of a shared host, where rows run a minute apart may not. Counters:
// each side's median ms and GFLOP/s, and the step's fraction of the peak.
void BM_FullStepAgainstPeakSideBySide(benchmark::State& state) {
    constexpr int kSteps = 20, kProducts = 3, n = 1024;
    Backend& be = default_backend();
    be.set_threads(2);
    auto model = bench_model("fc");
    const double step_flop = step_flops(*model, kBatch), product_flop = 2.0 * n * n * n;
    Training training = make_training(std::move(model), bench_spec(Method::full));
    std::vector<float> a(size_t(n) * n, 0.5f), b(size_t(n) * n, 0.25f), c(size_t(n) * n);
    const auto product = [&] {
        be.gemm(Transpose::no, Transpose::no, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f,
                c.data(), n);
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    };
    std::vector<double> step_ms, product_ms;
    for (auto _ : state) {
        benchmark::DoNotOptimize(training.step());
        for (int s = 1; s < kSteps; ++s)
            step_ms.push_back(milliseconds([&] { benchmark::DoNotOptimize(training.step()); }));
        product();
        for (int p = 1; p < kProducts; ++p) product_ms.push_back(milliseconds(product));
    }
    const double step_gflops = step_flop / median(step_ms) * 1e-6,
                 peak_gflops = product_flop / median(product_ms) * 1e-6;
    state.counters["step_ms"] = median(step_ms);
    state.counters["peak_ms"] = median(product_ms);
    state.counters["step_GFLOP/s"] = step_gflops;
    state.counters["peak_GFLOP/s"] = peak_gflops;
    state.counters["of_peak"] = step_gflops / peak_gflops;
    be.set_threads(1);
}
BENCHMARK(BM_FullStepAgainstPeakSideBySide)->Iterations(30)->Repetitions(1)->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// What the FMA units do per thread: twelve independent chains of vector FMAs, as many as a
// matrix-product kernel keeps (the latency of one FMA hides behind the others).
void BM_FmaRate(benchmark::State& state) {
    using batch = xsimd::batch<float>;
    constexpr int chains = 12, rounds = 1000;
    batch acc[chains];
    for (int c = 0; c < chains; ++c) acc[c] = batch(1.0f + 1e-3f * c);
    const batch factor(0.9999f), addend(1e-4f);
    for (auto _ : state) {
        for (int r = 0; r < rounds; ++r)
            for (int c = 0; c < chains; ++c) acc[c] = xsimd::fma(acc[c], factor, addend);
        batch sum = acc[0];  // one value escapes, so the chains stay in registers
        for (int c = 1; c < chains; ++c) sum += acc[c];
        benchmark::DoNotOptimize(sum);
    }
    state.counters["GFLOP/s"] = benchmark::Counter(2.0 * batch::size * chains * rounds,
                                                   benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FmaRate)->UseRealTime()->ComputeStatistics("min", fastest);

}  // namespace
}  // namespace idim::bench

BENCHMARK_MAIN();
