// Element-wise kernels over long arrays split over the OpenMP threads in fixed chunks. Each
// element is computed once, from the same inputs, by the same SIMD code path (chunks are whole
// vectors), so results are identical for any thread count.
#pragma once
#include <algorithm>
#include <cstddef>

namespace idim::cpu {

constexpr long kParallelFloats = long(1) << 17;  // 512 KiB: below it a fork/join costs more
constexpr long kChunkFloats = long(1) << 14;

// f(begin, count) over [0, n) in chunks, on all threads when n is long.
template <class F>
void over_chunks(size_t n, F f) {
    const long chunks = (long(n) + kChunkFloats - 1) / kChunkFloats;
#pragma omp parallel for schedule(static) if (long(n) >= kParallelFloats)
    for (long c = 0; c < chunks; ++c) {
        const size_t begin = size_t(c * kChunkFloats);
        f(begin, std::min(size_t(kChunkFloats), n - begin));
    }
}

}  // namespace idim::cpu
