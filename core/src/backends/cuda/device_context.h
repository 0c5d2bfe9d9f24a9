// What each host thread that runs kernels owns on the GPU: a stream, a cuBLAS handle bound to
// it, and scratch memory. One per thread, so the runs of a sweep (--jobs) each queue their kernels
// on a stream of their own and fill the GPU together; kernels of one thread run in order. A
// thread that ends hands its context back for the next new thread to take: a sweep starts new
// threads for every batch of runs, and making a cuBLAS handle and a stream each time costs more
// than a small run's steps.
#pragma once
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstddef>

namespace idim::cuda {

class DeviceContext {
public:
    DeviceContext();
    ~DeviceContext();
    DeviceContext(const DeviceContext&) = delete;
    DeviceContext& operator=(const DeviceContext&) = delete;

    cudaStream_t stream() const { return stream_; }
    cublasHandle_t blas() const { return blas_; }
    // Scratch of at least `bytes`, one per slot (contents not kept when it grows); used by one
    // kernel sequence at a time on this thread's stream.
    enum Slot { large, partials, result, n_slots };   // large: im2col windows, products
    void* scratch(Slot slot, size_t bytes);
    void synchronize();

private:
    void release() noexcept;
    cudaStream_t stream_ = nullptr;
    cublasHandle_t blas_ = nullptr;
    void* scratch_[n_slots] = {};
    size_t scratch_bytes_[n_slots] = {};
};

// This thread's context: on first use one handed back by an ended thread, else a new one.
DeviceContext& context();

// Whether cuBLAS may use TF32 tensor cores (IDIM_CUDA_TF32=1): faster products with 10-bit
// mantissas, which changes results beyond the FP32 bounds the tests assume. Off by default.
bool tf32_enabled();

}  // namespace idim::cuda
