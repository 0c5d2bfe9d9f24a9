// expand + contract of every projection at the paper's CIFAR LeNet size (D = 199,210) and
// d ∈ {100, 750, 5000}, and the Walsh–Hadamard transform from 2^10 to 2^24 (bytes/s).
// Dense is stored only where P fits in 4 GiB; dense-tiled regenerates P on every call.
#include <benchmark/benchmark.h>

#include <vector>

#include "idim/backend.h"
#include "idim/projection.h"

namespace idim {
namespace {

constexpr size_t kDimFull = 199210;

void expand_and_contract(benchmark::State& state, const std::string& kind, bool tiled) {
    Backend& be = default_backend();
    ProjectionSpec spec;
    spec.kind = parse_projection(kind);
    spec.dim_full = kDimFull;
    spec.dim_sub = size_t(state.range(0));
    spec.seed = 1;
    spec.max_projection_mb = tiled ? 0 : 4096;
    spec.allow_tiling = tiled;
    auto p = make_projection(be, spec);
    std::vector<float> x(spec.dim_sub, 0.01f), y(kDimFull);
    for (auto _ : state) {
        p->expand(be, x.data(), 0.0f, y.data());
        p->contract(be, y.data(), x.data());
        benchmark::DoNotOptimize(x.data());
    }
    state.counters["MB_kept"] = double(p->memory_bytes()) / 1e6;
}

void BM_Dense(benchmark::State& s) { expand_and_contract(s, "dense", false); }
void BM_DenseTiled(benchmark::State& s) { expand_and_contract(s, "dense", true); }
void BM_Sparse(benchmark::State& s) { expand_and_contract(s, "sparse", false); }
void BM_Fastfood(benchmark::State& s) { expand_and_contract(s, "fastfood", false); }

// 199,210 × 5000 floats is 4 GB: stored dense stops at 750.
BENCHMARK(BM_Dense)->Arg(100)->Arg(750)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DenseTiled)->Arg(100)->Arg(750)->Arg(5000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sparse)->Arg(100)->Arg(750)->Arg(5000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fastfood)->Arg(100)->Arg(750)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_WalshHadamard(benchmark::State& state, const std::string& backend) {
    Backend& be = backend_by_name(backend);
    size_t n = size_t(state.range(0));
    std::vector<float> x(n, 1.0f);
    for (auto _ : state) {
        be.walsh_hadamard(n, x.data());
        benchmark::DoNotOptimize(x.data());
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(n * sizeof(float)));
}
BENCHMARK_CAPTURE(BM_WalshHadamard, cpu, std::string("cpu"))->RangeMultiplier(4)->Range(1 << 10, 1 << 24);
BENCHMARK_CAPTURE(BM_WalshHadamard, reference, std::string("reference"))
    ->RangeMultiplier(4)->Range(1 << 10, 1 << 24);

}  // namespace
}  // namespace idim

BENCHMARK_MAIN();
