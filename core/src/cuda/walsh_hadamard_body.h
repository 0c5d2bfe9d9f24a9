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

// walsh_hadamard_leading's partial stage of stride h ≥ block, t < (n / 2h)·rows:
// x[i + k] += x[i + h + k] with i = 2h·(t / rows), k = t % rows.
IDIM_HD inline void wht_leading_add(float* x, size_t h, size_t rows, size_t t) {
    const size_t i = (t / rows) * 2 * h, k = t % rows;
    x[i + k] = add_rn(x[i + k], x[i + h + k]);
}

}  // namespace idim::cuda_body
