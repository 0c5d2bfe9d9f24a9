// for_each(n, f): f(i) for every i < n on this thread's stream, a grid-stride loop over blocks of
// kThreads; f is a __device__ lambda (nvcc --extended-lambda).
#pragma once
#include <cstddef>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/device_context.h"

namespace idim::cuda {

template <class F>
__global__ void __launch_bounds__(kThreads) for_each_kernel(size_t n, F f) {
    const size_t stride = size_t(gridDim.x) * blockDim.x;
    for (size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) f(i);
}

template <class F>
void for_each(size_t n, F f, const char* what) {
    if (n == 0) return;
    for_each_kernel<<<blocks_for(n), kThreads, 0, context().stream()>>>(n, f);
    check_launch(what);
}

}  // namespace idim::cuda
