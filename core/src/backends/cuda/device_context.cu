// See device_context.h.
#include "backends/cuda/device_context.h"

#include <cstdlib>
#include <cstring>

#include "backends/cuda/cuda_check.h"

namespace idim::cuda {

bool tf32_enabled() {
    static const bool enabled = [] {
        const char* value = std::getenv("IDIM_CUDA_TF32");
        return value && std::strcmp(value, "1") == 0;
    }();
    return enabled;
}

DeviceContext::DeviceContext() {
    check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
    check(cublasCreate(&blas_), "cublasCreate");
    check(cublasSetStream(blas_, stream_), "cublasSetStream");
    check(cublasSetMathMode(blas_, tf32_enabled() ? CUBLAS_TF32_TENSOR_OP_MATH
                                                  : CUBLAS_DEFAULT_MATH),
          "cublasSetMathMode");
}

// Errors are ignored here: at process exit the driver may already be gone.
DeviceContext::~DeviceContext() {
    for (void* p : scratch_)
        if (p) cudaFree(p);
    if (blas_) cublasDestroy(blas_);
    if (stream_) cudaStreamDestroy(stream_);
}

void* DeviceContext::scratch(Slot slot, size_t bytes) {
    if (scratch_bytes_[slot] < bytes) {
        synchronize();   // earlier kernels may still read the old scratch
        if (scratch_[slot]) check(cudaFree(scratch_[slot]), "cudaFree");
        scratch_[slot] = nullptr;
        scratch_bytes_[slot] = 0;
        check(cudaMalloc(&scratch_[slot], bytes), "cudaMalloc (scratch)");
        scratch_bytes_[slot] = bytes;
    }
    return scratch_[slot];
}

void DeviceContext::synchronize() { check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize"); }

DeviceContext& context() {
    thread_local DeviceContext ctx;
    return ctx;
}

}  // namespace idim::cuda
