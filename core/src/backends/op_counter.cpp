// See op_counter.h: every call counted, then handed on unchanged.
#include "idim/op_counter.h"

namespace idim {

OpCounts CountingBackend::counts() const {
    return {ops_.load(), uploads_.load(), downloads_.load(), allocations_.load()};
}

void* CountingBackend::allocate(size_t bytes) {
    allocations_.fetch_add(1, std::memory_order_relaxed);
    return inner_.allocate(bytes);
}

void CountingBackend::upload(const void* host, size_t bytes, void* dst) {
    uploads_.fetch_add(1, std::memory_order_relaxed);
    inner_.upload(host, bytes, dst);
}

void CountingBackend::download(const void* src, size_t bytes, void* host) {
    downloads_.fetch_add(1, std::memory_order_relaxed);
    inner_.download(src, bytes, host);
}

void CountingBackend::gemm(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha,
                           const float* a, int lda, const float* b, int ldb, float beta, float* c,
                           int ldc) {
    op();
    inner_.gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void CountingBackend::copy(size_t n, const float* x, float* y) {
    op();
    inner_.copy(n, x, y);
}

void CountingBackend::fill(size_t n, float value, float* x) {
    op();
    inner_.fill(n, value, x);
}

void CountingBackend::gather_rows(size_t n, const uint32_t* index, size_t row_size,
                                  const float* table, float* out) {
    op();
    inner_.gather_rows(n, index, row_size, table, out);
}

void CountingBackend::gather_ints(size_t n, const uint32_t* index, const int32_t* table,
                                  int32_t* out) {
    op();
    inner_.gather_ints(n, index, table, out);
}

void CountingBackend::gather_scaled(size_t n, const uint32_t* index, const float* table,
                                    const float* scale, float* out) {
    op();
    inner_.gather_scaled(n, index, table, scale, out);
}

void CountingBackend::scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale,
                                         const float* x, size_t m, float* out) {
    op();
    inner_.scatter_sum_scaled(n, index, scale, x, m, out);
}

void CountingBackend::axpby(size_t n, float alpha, const float* x, float beta, float* y) {
    op();
    inner_.axpby(n, alpha, x, beta, y);
}

void CountingBackend::scale(size_t n, float alpha, float* x) {
    op();
    inner_.scale(n, alpha, x);
}

double CountingBackend::dot(size_t n, const float* x, const float* y) {
    op();
    downloads_.fetch_add(1, std::memory_order_relaxed);  // the host waits for the number
    return inner_.dot(n, x, y);
}

void CountingBackend::multiply(size_t n, const float* x, const float* y, float* z) {
    op();
    inner_.multiply(n, x, y, z);
}

void CountingBackend::add(size_t n, const float* x, const float* y, float* z) {
    op();
    inner_.add(n, x, y, z);
}

void CountingBackend::scaled_add(size_t n, const float* alpha, const float* x, const float* base,
                                 float* out) {
    op();
    inner_.scaled_add(n, alpha, x, base, out);
}

void CountingBackend::dot_into(size_t n, const float* x, const float* y, float* out) {
    op();
    inner_.dot_into(n, x, y, out);
}

void CountingBackend::row_sums(size_t rows, size_t cols, const float* x, double* out) {
    op();
    inner_.row_sums(rows, cols, x, out);
}

void CountingBackend::column_sums(int rows, int cols, const float* x, float* out) {
    op();
    inner_.column_sums(rows, cols, x, out);
}

void CountingBackend::copy_padded(size_t n, size_t total, const float* x, const float* scale,
                                  float* out) {
    op();
    inner_.copy_padded(n, total, x, scale, out);
}

void CountingBackend::copy_twice(size_t n, const float* x, float* out) {
    op();
    inner_.copy_twice(n, x, out);
}

void CountingBackend::add_bias_relu(int rows, int cols, const float* bias, float* x, float* y) {
    op();
    inner_.add_bias_relu(rows, cols, bias, x, y);
}

void CountingBackend::add_bias(int rows, int cols, const float* bias, float* x) {
    op();
    inner_.add_bias(rows, cols, bias, x);
}

void CountingBackend::add_column_sums(int rows, int cols, const float* x, float* out) {
    op();
    inner_.add_column_sums(rows, cols, x, out);
}

void CountingBackend::relu_forward(size_t n, const float* x, float* y) {
    op();
    inner_.relu_forward(n, x, y);
}

void CountingBackend::relu_backward(size_t n, const float* x, const float* dy, float* dx) {
    op();
    inner_.relu_backward(n, x, dy, dx);
}

double CountingBackend::softmax_cross_entropy(int batch, int classes, const float* logits,
                                              const int32_t* labels, float* dlogits,
                                              int* n_correct) {
    op();
    downloads_.fetch_add(1, std::memory_order_relaxed);  // the host waits for the number
    return inner_.softmax_cross_entropy(batch, classes, logits, labels, dlogits, n_correct);
}

void CountingBackend::softmax_cross_entropy_to(int batch, int classes, const float* logits,
                                               const int32_t* labels, float* dlogits,
                                               double* loss_sum) {
    op();
    inner_.softmax_cross_entropy_to(batch, classes, logits, labels, dlogits, loss_sum);
}

void CountingBackend::add_mean(size_t n, const double* x, double divisor, double* acc) {
    op();
    inner_.add_mean(n, x, divisor, acc);
}

void CountingBackend::conv_forward(const ConvGeometry& g, int filters, const float* image,
                                   const float* kernel, float* y) {
    op();
    inner_.conv_forward(g, filters, image, kernel, y);
}

void CountingBackend::conv_kernel_gradient(const ConvGeometry& g, int filters, const float* image,
                                           const float* dy, float* dkernel) {
    op();
    inner_.conv_kernel_gradient(g, filters, image, dy, dkernel);
}

void CountingBackend::col2im(const ConvGeometry& g, const float* cols, float* image) {
    op();
    inner_.col2im(g, cols, image);
}

void CountingBackend::maxpool_forward(const ConvGeometry& g, const float* x, float* y,
                                      int32_t* argmax) {
    op();
    inner_.maxpool_forward(g, x, y, argmax);
}

void CountingBackend::maxpool_backward(const ConvGeometry& g, size_t n_out, const float* dy,
                                       const int32_t* argmax, float* dx) {
    op();
    inner_.maxpool_backward(g, n_out, dy, argmax, dx);
}

void CountingBackend::walsh_hadamard(size_t n, float* x) {
    op();
    inner_.walsh_hadamard(n, x);
}

void CountingBackend::walsh_hadamard_leading(size_t n, size_t block, size_t rows, float* x) {
    op();
    inner_.walsh_hadamard_leading(n, block, rows, x);
}

void CountingBackend::dense_projection_rows(uint64_t seed, size_t row_begin, size_t rows,
                                            size_t dim_sub, const double* norms, float* out) {
    op();
    inner_.dense_projection_rows(seed, row_begin, rows, dim_sub, norms, out);
}

void CountingBackend::sparse_gemv(const SparseMatrix& a, float alpha, const float* x, float beta,
                                  float* y) {
    op();
    inner_.sparse_gemv(a, alpha, x, beta, y);
}

void CountingBackend::sparse_gemv_transposed(const SparseMatrix& a, float alpha, const float* y,
                                             float beta, float* x) {
    op();
    inner_.sparse_gemv_transposed(a, alpha, y, beta, x);
}

void CountingBackend::sgd_momentum_step(size_t n, float lr, float momentum, const float* grad,
                                        float* velocity, float* param) {
    op();
    inner_.sgd_momentum_step(n, lr, momentum, grad, velocity, param);
}

void CountingBackend::adam_step(size_t n, float lr, float beta1, float beta2, float epsilon,
                                int64_t step, const float* grad, float* m, float* v, float* param) {
    op();
    inner_.adam_step(n, lr, beta1, beta2, epsilon, step, grad, m, v, param);
}

}  // namespace idim
