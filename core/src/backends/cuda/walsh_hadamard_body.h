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

// The stages of strides h, 2h, …, 2^(k−1)·h (k ≤ 3) in one pass, for group t < n / 2^k: the 2^k
// elements base + m·h, m < 2^k, base = 2^k·h·(t / h) + t % h. Each element meets the same
// butterflies in the same order as stage by stage (the one pass saves k − 1 trips to memory).
IDIM_HD inline void wht_stages(float* x, size_t h, int k, size_t t) {
    const size_t r = size_t(1) << k, base = (t / h) * r * h + t % h;
    float v[8];
    for (size_t m = 0; m < r; ++m) v[m] = x[base + m * h];
    for (int s = 0; s < k; ++s) {
        const size_t half = size_t(1) << s;
        for (size_t m = 0; m < r; ++m)
            if (!(m & half)) {
                const float a = v[m], b = v[m + half];
                v[m] = add_rn(a, b);
                v[m + half] = sub_rn(a, b);
            }
    }
    for (size_t m = 0; m < r; ++m) x[base + m * h] = v[m];
}

// walsh_hadamard_leading's partial stage of stride h ≥ block, t < (n / 2h)·rows:
// x[i + k] += x[i + h + k] with i = 2h·(t / rows), k = t % rows.
IDIM_HD inline void wht_leading_add(float* x, size_t h, size_t rows, size_t t) {
    const size_t i = (t / rows) * 2 * h, k = t % rows;
    x[i + k] = add_rn(x[i + k], x[i + h + k]);
}

}  // namespace idim::cuda_body
