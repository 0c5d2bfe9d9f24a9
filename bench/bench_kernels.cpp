// Kernel speeds of the "cpu" backend: gemm at the training shapes and at 1024³ (peak GFLOP/s,
// 1 and 2 threads), the Walsh–Hadamard transform against a plain memcpy of the same bytes, and
// the streaming element-wise and optimiser kernels.
// Run: build/<dir>/bench/bench_kernels --benchmark_filter=... (counters: GFLOP/s, bytes/s)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "bench_common.h"
#include "aligned_floats.h"
#include "idim/backend.h"

namespace {

idim::Backend& cpu() { return idim::backend_by_name("cpu"); }

// On a shared machine the fastest of several repetitions is the kernel's own speed; run with
// --benchmark_repetitions=10 --benchmark_report_aggregates_only and read the _min rows.
double fastest(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

// Aligned to a cache line, as the library's own buffers are (idim/aligned_floats.h).
idim::AlignedFloats random_vector(size_t n) {
    std::mt19937 gen(1);
    std::normal_distribution<float> normal;
    idim::AlignedFloats v(n);
    for (float& x : v) x = normal(gen);
    return v;
}

// args: m, n, k, threads, trans_a, trans_b
void BM_Gemm(benchmark::State& state) {
    const int m = int(state.range(0)), n = int(state.range(1)), k = int(state.range(2));
    const bool ta = state.range(4) != 0, tb = state.range(5) != 0;
    cpu().set_threads(int(state.range(3)));
    auto a = random_vector(size_t(m) * k), b = random_vector(size_t(k) * n);
    idim::AlignedFloats c(size_t(m) * n);
    const auto trans = [](bool t) { return t ? idim::Transpose::yes : idim::Transpose::no; };
    for (auto _ : state) {
        cpu().gemm(trans(ta), trans(tb), m, n, k, 1.0f, a.data(), ta ? m : k, b.data(), tb ? k : n,
                   0.0f, c.data(), n);
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    }
    state.counters["GFLOP/s"] = benchmark::Counter(2.0 * m * n * k * 1e-9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
    cpu().set_threads(1);
}
BENCHMARK(BM_Gemm)
    ->ArgNames({"m", "n", "k", "threads", "ta", "tb"})
    ->Args({128, 200, 784, 1, 0, 0})   // fc forward: x(128,784)·W(784,200)
    ->Args({784, 200, 128, 1, 1, 0})   // dW = xᵀ·dy
    ->Args({128, 784, 200, 1, 0, 1})   // dx = dy·Wᵀ
    ->Args({128, 200, 784, 2, 0, 0})
    ->Args({64, 200, 784, 1, 0, 0})    // the same on one of 2 batch shards (each thread's own)
    ->Args({784, 200, 64, 1, 1, 0})
    ->Args({64, 200, 200, 1, 0, 0})
    ->Args({200, 200, 64, 1, 1, 0})
    ->Args({64, 200, 200, 1, 0, 1})
    ->Args({128, 10, 200, 1, 0, 0})
    ->Args({200, 10, 128, 1, 1, 0})
    ->Args({128, 200, 10, 1, 0, 1})
    ->Args({1024, 1024, 1024, 1, 0, 0})
    ->Args({1024, 1024, 1024, 2, 0, 0})
    ->UseRealTime()
    ->ComputeStatistics("min", fastest)
    ->Unit(benchmark::kMicrosecond);

// In place, repeated: the values grow to inf/NaN after some iterations, which costs vector adds
// nothing (no denormals arise from growth).
void walsh_hadamard_on_threads(benchmark::State& state, int threads) {
    const size_t n = size_t(state.range(0));
    cpu().set_threads(threads);
    auto x = random_vector(n);
    for (auto _ : state) {
        cpu().walsh_hadamard(n, x.data());
        benchmark::DoNotOptimize(x.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(n * sizeof(float)));
    cpu().set_threads(1);
}
void BM_WalshHadamard(benchmark::State& state) { walsh_hadamard_on_threads(state, 1); }
BENCHMARK(BM_WalshHadamard)
    ->RangeMultiplier(4)
    ->Range(1 << 10, 1 << 24)
    ->ComputeStatistics("min", fastest)
    ->Unit(benchmark::kMicrosecond);
// Only lengths above 2^16 run their blocks on several threads.
void BM_WalshHadamardThreads2(benchmark::State& state) { walsh_hadamard_on_threads(state, 2); }
BENCHMARK(BM_WalshHadamardThreads2)
    ->RangeMultiplier(4)
    ->Range(1 << 18, 1 << 24)
    ->ComputeStatistics("min", fastest)
    ->Unit(benchmark::kMicrosecond);

void BM_Memcpy(benchmark::State& state) {  // the yardstick for the transform above
    const size_t n = size_t(state.range(0));
    auto src = random_vector(n);
    idim::AlignedFloats dst(n);
    for (auto _ : state) {
        std::memcpy(dst.data(), src.data(), n * sizeof(float));
        benchmark::DoNotOptimize(dst.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(n * sizeof(float)));
}
BENCHMARK(BM_Memcpy)
    ->RangeMultiplier(4)
    ->Range(1 << 10, 1 << 24)
    ->ComputeStatistics("min", fastest)
    ->Unit(benchmark::kMicrosecond);

void BM_Axpby(benchmark::State& state) {
    const size_t n = size_t(state.range(0));
    auto x = random_vector(n), y = random_vector(n);
    for (auto _ : state) {
        cpu().axpby(n, 0.5f, x.data(), 0.5f, y.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(3 * n * sizeof(float)));
}
BENCHMARK(BM_Axpby)->Arg(1 << 16)->Arg(1 << 22);

void BM_Dot(benchmark::State& state) {
    const size_t n = size_t(state.range(0));
    auto x = random_vector(n), y = random_vector(n);
    for (auto _ : state) benchmark::DoNotOptimize(cpu().dot(n, x.data(), y.data()));
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(2 * n * sizeof(float)));
}
BENCHMARK(BM_Dot)->Arg(1 << 16)->Arg(1 << 22);

void BM_AdamStep(benchmark::State& state) {
    const size_t n = size_t(state.range(0));
    cpu().set_threads(int(state.range(1)));
    auto g = random_vector(n), m = random_vector(n), v = random_vector(n), p = random_vector(n);
    for (float& s : v) s *= s;
    for (auto _ : state) {
        cpu().adam_step(n, 1e-3f, 0.9f, 0.999f, 1e-7f, 10, g.data(), m.data(), v.data(), p.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(7 * n * sizeof(float)));
    cpu().set_threads(1);
}
// 2^16 stays in L2; 199,210 is FC/MNIST's D; 2^22 streams from memory
BENCHMARK(BM_AdamStep)
    ->ArgNames({"n", "threads"})
    ->Args({1 << 16, 1})
    ->Args({199210, 1})
    ->Args({199210, 2})
    ->Args({1 << 22, 1})
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
