// CUDA and cuBLAS status codes as idim::Error: a failing call says which call and why.
#pragma once
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <string>

#include "idim/error.h"

namespace idim::cuda {

inline void check(cudaError_t status, const char* what) {
    if (status != cudaSuccess)
        throw Error(std::string("backend cuda: ") + what + ": " + cudaGetErrorString(status));
}

inline void check(cublasStatus_t status, const char* what) {
    if (status != CUBLAS_STATUS_SUCCESS)
        throw Error(std::string("backend cuda: ") + what + ": " + cublasGetStatusString(status));
}

// After a kernel launch: a bad launch configuration shows here (faults show at the next sync).
inline void check_launch(const char* kernel) { check(cudaGetLastError(), kernel); }

// Blocks of 256 threads covering n items (grid-stride loops take the rest).
constexpr int kThreads = 256;
inline unsigned blocks_for(size_t n) {
    const size_t blocks = (n + kThreads - 1) / kThreads;
    return unsigned(blocks < 65535 * 8 ? (blocks ? blocks : 1) : 65535 * 8);
}

}  // namespace idim::cuda
