// The kernels' parallel loops. Element-wise kernels over long arrays split over the OpenMP
// threads in fixed chunks: each element is computed once, from the same inputs, by the same SIMD
// code path (chunks are whole vectors), so results are identical for any thread count.
#pragma once
#include <algorithm>
#include <cstddef>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace idim::cpu {

// Inside an OpenMP parallel region (a shard of run_shards) kernels keep to their caller's thread.
inline bool in_parallel_region() {
#ifdef _OPENMP
    return omp_in_parallel();
#else
    return false;
#endif
}

// f(i) for i in [0, count): shared among the OpenMP threads when worth it, else on this thread
// without entering OpenMP: even a region of one thread costs about a microsecond, and a shard's
// kernels (already inside a region) made some twenty such calls per FC step. Used by the
// element-wise kernels, the gather and the direct convolution; the Walsh–Hadamard sweeps, col2im
// and pooling keep their own OpenMP loops (through here, f capturing by value, the transform at
// 2^20 lost 3–4% and the former im2col 10–20%; capturing by reference, the sweeps lost 30%).
template <class F>
void parallel_for(long count, bool worth_it, F f) {
    if (!worth_it || in_parallel_region()) {
        for (long i = 0; i < count; ++i) f(i);
        return;
    }
#pragma omp parallel for schedule(static)
    for (long i = 0; i < count; ++i) f(i);
}

constexpr long kParallelFloats = long(1) << 17;  // 512 KiB: below it a fork/join costs more
constexpr long kChunkFloats = long(1) << 14;

// f(begin, count) over [0, n) in chunks, on all threads when n is long.
template <class F>
void over_chunks(size_t n, F f) {
    const long chunks = (long(n) + kChunkFloats - 1) / kChunkFloats;
    parallel_for(chunks, long(n) >= kParallelFloats, [&](long c) {
        const size_t begin = size_t(c * kChunkFloats);
        f(begin, std::min(size_t(kChunkFloats), n - begin));
    });
}

}  // namespace idim::cpu
