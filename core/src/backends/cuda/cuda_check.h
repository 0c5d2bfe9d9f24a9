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

// After an op is queued (a kernel, a cuBLAS call, a copy): a bad launch configuration shows here.
// A fault inside a kernel shows only at the next wait, which names that wait, not the op; with
// IDIM_CUDA_SYNC=1 (sync_each_op) this waits for the stream too, so the error names the op that
// failed — slow, for triage (device_context.cu).
void check_launch(const char* op);
bool sync_each_op();

// Blocks of 256 threads covering n items (grid-stride loops take the rest).
constexpr int kThreads = 256;
inline unsigned blocks_for(size_t n) {
    const size_t blocks = (n + kThreads - 1) / kThreads;
    return unsigned(blocks < 65535 * 8 ? (blocks ? blocks : 1) : 65535 * 8);
}

}  // namespace idim::cuda
