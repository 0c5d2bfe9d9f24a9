// The "cpu" backend: Eigen for matrix products, xsimd for everything element-wise (kernels_cpu.h,
// one file per idea). This class only forwards; the same code serves native and WebAssembly.
#include "backends/cpu/backend_cpu.h"

#include "backends/cpu/kernels_cpu.h"

namespace idim {
namespace {

class CpuBackend final : public Backend {
public:
    std::string name() const override { return "cpu"; }
    void set_threads(int n_threads) override { cpu::set_gemm_threads(n_threads); }
    int batch_shards() const override { return cpu::batch_shards(); }
    void parallel_for(size_t n, const std::function<void(size_t)>& f) override {
#pragma omp parallel for schedule(dynamic)
        for (size_t i = 0; i < n; ++i) f(i);
    }
    void run_shards(int shards, const std::function<void(int)>& f) override {
        cpu::run_shards(shards, f);
    }

    void gemm(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha,
              const float* a, int lda, const float* b, int ldb, float beta, float* c,
              int ldc) override {
        cpu::gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    void copy(size_t n, const float* x, float* y) override { cpu::copy(n, x, y); }
    void fill(size_t n, float value, float* x) override { cpu::fill(n, value, x); }
    void gather_rows(size_t n, const uint32_t* index, size_t row_size, const float* table,
                     float* out) override {
        cpu::gather_rows(n, index, row_size, table, out);
    }
    void gather_scaled(size_t n, const uint32_t* index, const float* table, const float* scale,
                       float* out) override {
        cpu::gather_scaled(n, index, table, scale, out);
    }
    void scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale, const float* x,
                            size_t m, float* out) override {
        cpu::scatter_sum_scaled(n, index, scale, x, m, out);
    }
    void axpby(size_t n, float alpha, const float* x, float beta, float* y) override {
        cpu::axpby(n, alpha, x, beta, y);
    }
    void scale(size_t n, float alpha, float* x) override { cpu::scale(n, alpha, x); }
    double dot(size_t n, const float* x, const float* y) override { return cpu::dot(n, x, y); }
    void multiply(size_t n, const float* x, const float* y, float* z) override {
        cpu::multiply(n, x, y, z);
    }
    void add(size_t n, const float* x, const float* y, float* z) override { cpu::add(n, x, y, z); }
    void add_bias(int rows, int cols, const float* bias, float* x) override {
        cpu::add_bias(rows, cols, bias, x);
    }
    void add_column_sums(int rows, int cols, const float* x, float* out) override {
        cpu::add_column_sums(rows, cols, x, out);
    }
    void relu_forward(size_t n, const float* x, float* y) override { cpu::relu_forward(n, x, y); }
    void relu_backward(size_t n, const float* x, const float* dy, float* dx) override {
        cpu::relu_backward(n, x, dy, dx);
    }

    double softmax_cross_entropy(int batch, int classes, const float* logits,
                                 const int32_t* labels, float* dlogits, int* n_correct) override {
        return cpu::softmax_cross_entropy(batch, classes, logits, labels, dlogits, n_correct);
    }

    void conv_forward(const ConvGeometry& g, int filters, const float* image,
                      const float* kernel, float* y) override {
        cpu::conv_forward(g, filters, image, kernel, y);
    }
    void conv_kernel_gradient(const ConvGeometry& g, int filters, const float* image,
                              const float* dy, float* dkernel) override {
        cpu::conv_kernel_gradient(g, filters, image, dy, dkernel);
    }
    void col2im(const ConvGeometry& g, const float* cols, float* image) override {
        cpu::col2im(g, cols, image);
    }
    void maxpool_forward(const ConvGeometry& g, const float* x, float* y,
                         int32_t* argmax) override {
        cpu::maxpool_forward(g, x, y, argmax);
    }
    void maxpool_backward(const ConvGeometry&, size_t n_out, const float* dy,
                          const int32_t* argmax, float* dx) override {
        cpu::maxpool_backward(n_out, dy, argmax, dx);
    }

    void walsh_hadamard(size_t n, float* x) override { cpu::walsh_hadamard(n, x); }
    void walsh_hadamard_leading(size_t n, size_t block, size_t rows, float* x) override {
        cpu::walsh_hadamard_leading(n, block, rows, x);
    }

    void sparse_gemv(const SparseMatrix& a, float alpha, const float* x, float beta,
                     float* y) override {
        cpu::sparse_gemv(a, alpha, x, beta, y);
    }
    void sparse_gemv_transposed(const SparseMatrix& a, float alpha, const float* y, float beta,
                                float* x) override {
        cpu::sparse_gemv_transposed(a, alpha, y, beta, x);
    }

    void sgd_momentum_step(size_t n, float lr, float momentum, const float* grad,
                           float* velocity, float* param) override {
        cpu::sgd_momentum_step(n, lr, momentum, grad, velocity, param);
    }
    void adam_step(size_t n, float lr, float beta1, float beta2, float epsilon, int64_t step,
                   const float* grad, float* m, float* v, float* param) override {
        cpu::adam_step(n, lr, beta1, beta2, epsilon, step, grad, m, v, param);
    }
};

}  // namespace

Backend& cpu_backend_instance() {
    static CpuBackend instance;
    return instance;
}

}  // namespace idim
