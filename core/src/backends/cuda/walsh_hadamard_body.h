// The Walsh–Hadamard butterflies as one thread's work, for nvcc and the host compiler (hd.h).
// A stage of stride h is n/2 independent butterflies; running the stages h = 1, 2, 4, … in that
// order with correctly rounded + and − gives the reference backend's bits exactly.
#pragma once
#include <cstddef>

#include "hd.h"

namespace idim::cuda_body {

IDIM_HD inline float add_rn(float a, float b) {
#ifdef __CUDA_ARCH__
    return __fadd_rn(a, b);
#else
    return a + b;
#endif
}
IDIM_HD inline float sub_rn(float a, float b) {
#ifdef __CUDA_ARCH__
    return __fsub_rn(a, b);
#else
    return a - b;
#endif
}

// Butterfly t < n/2 of the stage with stride h: (x[j], x[j + h]) ← (a + b, a − b).
IDIM_HD inline void wht_butterfly(float* x, size_t h, size_t t) {
    const size_t j = (t / h) * 2 * h + t % h;
    const float a = x[j], b = x[j + h];
    x[j] = add_rn(a, b);
    x[j + h] = sub_rn(a, b);
}

// The stages of strides h, 2h, …, 2^(K−1)·h (K ≤ 3) in one pass, for group t < n / 2^K: the 2^K
// elements base + m·h, m < 2^K, base = 2^K·h·(t / h) + t % h. Each element meets the same
// butterflies in the same order as stage by stage (the one pass saves K − 1 trips to memory).
// K is a template argument so the loops unroll and v stays in registers (no local memory).
template <int K>
IDIM_HD inline void wht_stages(float* x, size_t h, size_t t) {
    static_assert(K >= 1 && K <= 3, "one to three stages a pass");
    constexpr size_t r = size_t(1) << K;
    const size_t base = (t / h) * r * h + t % h;
    float v[r];
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (size_t m = 0; m < r; ++m) v[m] = x[base + m * h];
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (int s = 0; s < K; ++s) {
        const size_t half = size_t(1) << s;
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
        for (size_t m = 0; m < r; ++m)
            if (!(m & half)) {
                const float a = v[m], b = v[m + half];
                v[m] = add_rn(a, b);
                v[m + half] = sub_rn(a, b);
            }
    }
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (size_t m = 0; m < r; ++m) x[base + m * h] = v[m];
}

// The same for k chosen at run time (k in 1 … 3).
IDIM_HD inline void wht_stages(float* x, size_t h, int k, size_t t) {
    if (k == 1) wht_stages<1>(x, h, t);
    else if (k == 2) wht_stages<2>(x, h, t);
    else wht_stages<3>(x, h, t);
}

// walsh_hadamard_leading's partial stage of stride h ≥ block, t < (n / 2h)·rows:
// x[i + k] += x[i + h + k] with i = 2h·(t / rows), k = t % rows.
IDIM_HD inline void wht_leading_add(float* x, size_t h, size_t rows, size_t t) {
    const size_t i = (t / rows) * 2 * h, k = t % rows;
    x[i + k] = add_rn(x[i + k], x[i + h + k]);
}

}  // namespace idim::cuda_body
