// See device_context.h.
#include "backends/cuda/device_context.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "backends/cuda/cuda_check.h"

namespace idim::cuda {

namespace {

bool environment_flag(const char* name) {
    const char* value = std::getenv(name);
    return value && std::strcmp(value, "1") == 0;
}

}  // namespace

bool tf32_enabled() {
    static const bool enabled = environment_flag("IDIM_CUDA_TF32");
    return enabled;
}

bool sync_each_op() {
    static const bool enabled = environment_flag("IDIM_CUDA_SYNC");
    return enabled;
}

void check_launch(const char* op) {
    check(cudaGetLastError(), op);
    if (sync_each_op()) check(cudaStreamSynchronize(context().stream()), op);
}

DeviceContext::DeviceContext() {
    check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
    try {   // a throw here runs no destructor: the stream would be lost
        check(cublasCreate(&blas_), "cublasCreate");
        check(cublasSetStream(blas_, stream_), "cublasSetStream");
        check(cublasSetMathMode(blas_, tf32_enabled() ? CUBLAS_TF32_TENSOR_OP_MATH
                                                      : CUBLAS_DEFAULT_MATH),
              "cublasSetMathMode");
    } catch (...) {
        release();
        throw;
    }
}

DeviceContext::~DeviceContext() { release(); }

// Errors are ignored here: at process exit the driver may already be gone.
void DeviceContext::release() noexcept {
    for (void*& p : scratch_) {
        if (p) cudaFree(p);
        p = nullptr;
    }
    if (blas_) cublasDestroy(blas_);
    if (stream_) cudaStreamDestroy(stream_);
    blas_ = nullptr;
    stream_ = nullptr;
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

namespace {

// Contexts of ended threads, for the next threads to take. Never destroyed: the main thread
// hands its context back at exit, and freeing streams and cuBLAS handles while the CUDA runtime
// and cuBLAS are being torn down could crash; the driver frees them with the process.
struct Pool {
    std::mutex mutex;
    std::vector<std::unique_ptr<DeviceContext>> free;
};
Pool& pool() {
    static Pool* const instance = new Pool;
    return *instance;
}

// A thread's hold on its context: handed back to the pool when the thread ends.
struct Held {
    std::unique_ptr<DeviceContext> ctx;
    ~Held() {
        if (!ctx) return;
        Pool& p = pool();
        std::lock_guard<std::mutex> lock(p.mutex);
        p.free.push_back(std::move(ctx));
    }
};

}  // namespace

DeviceContext& context() {
    thread_local Held held;
    if (!held.ctx) {
        Pool& p = pool();
        {
            std::lock_guard<std::mutex> lock(p.mutex);
            if (!p.free.empty()) {
                held.ctx = std::move(p.free.back());
                p.free.pop_back();
            }
        }
        if (!held.ctx) held.ctx = std::make_unique<DeviceContext>();
    }
    return *held.ctx;
}

}  // namespace idim::cuda
