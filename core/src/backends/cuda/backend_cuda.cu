// See backend_cuda.h. Memory and the seam's dispatch; the kernels live in ops_*.cu (ops.h).
// Each host thread queues its kernels on a stream of its own (device_context.h); calls return
// without waiting except upload, download and the two that hand a value back (dot, the loss).
#include "backends/cuda/backend_cuda.h"

#include <cmath>
#include <sstream>

#include "backends/cpu/backend_cpu.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/device_context.h"
#include "backends/cuda/ops.h"

namespace idim {
namespace {

// The device this process uses (device 0), or an Error saying why there is none.
cudaDeviceProp first_device() {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
        cudaGetLastError();   // clear it: the runtime keeps the last error
        throw Error(std::string("backend cuda: no CUDA device (cudaGetDeviceCount: ") +
                    cudaGetErrorString(status) + ")");
    }
    if (count == 0) throw Error("backend cuda: no CUDA device (cudaGetDeviceCount found none)");
    cudaDeviceProp props{};
    cuda::check(cudaGetDeviceProperties(&props, 0), "cudaGetDeviceProperties");
    return props;
}

class CudaBackend final : public Backend {
public:
    CudaBackend() : props_(first_device()) {}

    std::string name() const override { return "cuda"; }
    std::string description() const override {
        std::ostringstream s;
        s << "cuda: " << props_.name << ", " << (props_.totalGlobalMem >> 20) << " MiB, compute "
          << props_.major << '.' << props_.minor << (cuda::tf32_enabled() ? ", TF32 on" : "")
          << (cuda::sync_each_op() ? ", synchronising after every op" : "");
        return s.str();
    }
    // Host work (drawing a stored dense P, its column norms) runs on the cpu backend's threads.
    void set_threads(int n_threads) override { cpu_backend_instance().set_threads(n_threads); }
    void parallel_for(size_t n, const std::function<void(size_t)>& f) override {
        cpu_backend_instance().parallel_for(n, f);
    }
    bool host_addressable() const override { return false; }

    void* allocate(size_t bytes) override {
        void* p = nullptr;
        cuda::check(cudaMalloc(&p, bytes), "cudaMalloc");
        cuda::DeviceContext& ctx = cuda::context();
        cuda::check(cudaMemsetAsync(p, 0, bytes, ctx.stream()), "cudaMemset");
        ctx.synchronize();
        return p;
    }
    // No exceptions: buffers free their memory from destructors. cudaFree waits for the kernels.
    void deallocate(void* p, size_t bytes) override {
        cuda::forget_groupings(p, bytes);
        cudaFree(p);
    }
    void upload(const void* host, size_t bytes, void* dst) override {
        cuda::forget_groupings(dst, bytes);
        cuda::DeviceContext& ctx = cuda::context();
        cuda::check(cudaMemcpyAsync(dst, host, bytes, cudaMemcpyHostToDevice, ctx.stream()),
                    "upload");
        ctx.synchronize();   // the host array may go as soon as this returns
    }
    void download(const void* src, size_t bytes, void* host) override {
        cuda::DeviceContext& ctx = cuda::context();
        cuda::check(cudaMemcpyAsync(host, src, bytes, cudaMemcpyDeviceToHost, ctx.stream()),
                    "download");
        ctx.synchronize();
    }

    void gemm(Transpose ta, Transpose tb, int m, int n, int k, float alpha, const float* a, int lda,
              const float* b, int ldb, float beta, float* c, int ldc) override {
        cuda::gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
    void copy(size_t n, const float* x, float* y) override { cuda::copy(n, x, y); }
    void fill(size_t n, float value, float* x) override { cuda::fill(n, value, x); }
    void gather_rows(size_t n, const uint32_t* index, size_t row_size, const float* table,
                     float* out) override {
        cuda::gather_rows(n, index, row_size, table, out);
    }
    void gather_ints(size_t n, const uint32_t* index, const int32_t* table, int32_t* out) override {
        cuda::gather_ints(n, index, table, out);
    }
    void gather_scaled(size_t n, const uint32_t* index, const float* table, const float* scale,
                       float* out) override {
        cuda::gather_scaled(n, index, table, scale, out);
    }
    void scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale, const float* x,
                            size_t m, float* out) override {
        cuda::scatter_sum_scaled(n, index, scale, x, m, out);
    }
    void axpby(size_t n, float alpha, const float* x, float beta, float* y) override {
        cuda::axpby(n, alpha, x, beta, y);
    }
    void scale(size_t n, float alpha, float* x) override { cuda::scale(n, alpha, x); }
    double dot(size_t n, const float* x, const float* y) override { return cuda::dot(n, x, y); }
    void multiply(size_t n, const float* x, const float* y, float* z) override {
        cuda::multiply(n, x, y, z);
    }
    void add(size_t n, const float* x, const float* y, float* z) override { cuda::add(n, x, y, z); }
    void scaled_add(size_t n, const float* alpha, const float* x, const float* base,
                    float* out) override {
        cuda::scaled_add(n, alpha, x, base, out);
    }
    void dot_into(size_t n, const float* x, const float* y, float* out) override {
        cuda::dot_into(n, x, y, out);
    }
    void row_sums(size_t rows, size_t cols, const float* x, double* out) override {
        cuda::row_sums(rows, cols, x, out);
    }
    void softmax_cross_entropy_to(int batch, int classes, const float* logits,
                                  const int32_t* labels, float* dlogits, double* loss_sum) override {
        cuda::softmax_cross_entropy_to(batch, classes, logits, labels, dlogits, loss_sum);
    }
    void add_mean(size_t n, const double* x, double divisor, double* acc) override {
        cuda::add_mean(n, x, divisor, acc);
    }
    void copy_twice(size_t n, const float* x, float* out) override { cuda::copy_twice(n, x, out); }
    void copy_padded(size_t n, size_t total, const float* x, const float* scale,
                     float* out) override {
        cuda::copy_padded(n, total, x, scale, out);
    }
    void column_sums(int rows, int cols, const float* x, float* out) override {
        cuda::column_sums(rows, cols, x, out);
    }
    void add_bias_relu(int rows, int cols, const float* bias, float* x, float* y) override {
        cuda::add_bias_relu(rows, cols, bias, x, y);
    }
    void add_bias(int rows, int cols, const float* bias, float* x) override {
        cuda::add_bias(rows, cols, bias, x);
    }
    void add_column_sums(int rows, int cols, const float* x, float* out) override {
        cuda::add_column_sums(rows, cols, x, out);
    }
    void relu_forward(size_t n, const float* x, float* y) override { cuda::relu_forward(n, x, y); }
    void relu_backward(size_t n, const float* x, const float* dy, float* dx) override {
        cuda::relu_backward(n, x, dy, dx);
    }
    double softmax_cross_entropy(int batch, int classes, const float* logits, const int32_t* labels,
                                 float* dlogits, int* n_correct) override {
        return cuda::softmax_cross_entropy(batch, classes, logits, labels, dlogits, n_correct);
    }
    void conv_forward(const ConvGeometry& g, int filters, const float* image, const float* kernel,
                      float* y) override {
        cuda::conv_forward(g, filters, image, kernel, y);
    }
    void conv_kernel_gradient(const ConvGeometry& g, int filters, const float* image,
                              const float* dy, float* dkernel) override {
        cuda::conv_kernel_gradient(g, filters, image, dy, dkernel);
    }
    void col2im(const ConvGeometry& g, const float* cols, float* image) override {
        cuda::col2im(g, cols, image);
    }
    void maxpool_forward(const ConvGeometry& g, const float* x, float* y, int32_t* argmax) override {
        cuda::maxpool_forward(g, x, y, argmax);
    }
    void maxpool_backward(const ConvGeometry& g, size_t, const float* dy, const int32_t* argmax,
                          float* dx) override {
        cuda::maxpool_backward(g, dy, argmax, dx);
    }
    void walsh_hadamard(size_t n, float* x) override { cuda::walsh_hadamard(n, x); }
    void walsh_hadamard_leading(size_t n, size_t block, size_t rows, float* x) override {
        cuda::walsh_hadamard_leading(n, block, rows, x);
    }
    void dense_projection_rows(uint64_t seed, size_t row_begin, size_t rows, size_t dim_sub,
                               const double* norms, float* out) override {
        cuda::dense_projection_rows(seed, row_begin, rows, dim_sub, norms, out);
    }
    void sparse_gemv(const SparseMatrix& a, float alpha, const float* x, float beta,
                     float* y) override {
        cuda::sparse_gemv(a, alpha, x, beta, y);
    }
    void sparse_gemv_transposed(const SparseMatrix& a, float alpha, const float* y, float beta,
                                float* x) override {
        cuda::sparse_gemv_transposed(a, alpha, y, beta, x);
    }
    void sgd_momentum_step(size_t n, float lr, float momentum, const float* grad, float* velocity,
                           float* param) override {
        cuda::sgd_momentum_step(n, lr, momentum, grad, velocity, param);
    }
    // The bias-corrected rate in double on the host, as the reference computes it.
    void adam_step(size_t n, float lr, float beta1, float beta2, float epsilon, int64_t step,
                   const float* grad, float* m, float* v, float* param) override {
        require(step >= 1, "adam_step: step counts from 1, got ", step);
        const double lr_t = lr * std::sqrt(1.0 - std::pow(double(beta2), double(step))) /
                            (1.0 - std::pow(double(beta1), double(step)));
        cuda::adam_step(n, lr_t, beta1, beta2, epsilon, grad, m, v, param);
    }

private:
    cudaDeviceProp props_;
};

}  // namespace

Backend& cuda_backend_instance() {
    static CudaBackend instance;   // a throw leaves it unmade: the next call tries again
    return instance;
}

}  // namespace idim
