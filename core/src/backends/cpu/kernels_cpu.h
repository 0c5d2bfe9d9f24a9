// The fast CPU kernels behind the "cpu" backend, one source file per idea (named beside each
// group). Plain functions, so tests and benchmarks can reach a kernel without the virtual class.
// Arguments follow backend.h exactly; shapes are written beside each array.
#pragma once
#include <cstddef>
#include <cstdint>

#include "idim/backend.h"

namespace idim::cpu {

// gemm_eigen.cpp: c(m,n) = alpha·op(a)·op(b) + beta·c, row-major, row strides lda/ldb/ldc.
void gemm(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha, const float* a,
          int lda, const float* b, int ldb, float beta, float* c, int ldc);
void set_gemm_threads(int n_threads);
int gemm_thread_count();   // what set_gemm_threads set (all cores before it is called)

// batch_shards.cpp: backend.h's batch_shards / run_shards over OpenMP threads.
int batch_shards();
void run_shards(int shards, const std::function<void(int)>& f);
// How gemm shares C among threads: true = panels of columns, false = panels of rows.
bool gemm_cuts_columns(int m, int n, int threads);
// gemm_xsimd.cpp: the same product, one thread, packed xsimd micro-kernel (the browser's gemm).
void gemm_packed(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha,
                 const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc);
// gemm_narrow.cpp: the same product, one thread, for C with at most two vectors of columns
// (narrow_fits says when); needs k ≥ 1.
bool narrow_fits(int m, int n, int k);
void gemm_narrow(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha,
                 const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc);

// copy_fill_simd.cpp: glibc's memcpy/memset take `rep movsb/stosb` between 2 KiB and the
// non-temporal threshold, which moves only ~3 GB/s on this project's VMs; these move 30+ GB/s.
void copy(size_t n, const float* x, float* y);
void fill(size_t n, float value, float* x);
void gather_rows(size_t n, const uint32_t* index, size_t row_size, const float* table, float* out);
void gather_scaled(size_t n, const uint32_t* index, const float* table, const float* scale,
                   float* out);

// scatter_sum.cpp
void scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale, const float* x,
                        size_t m, float* out);

// elementwise_simd.cpp
void axpby(size_t n, float alpha, const float* x, float beta, float* y);
void scale(size_t n, float alpha, float* x);
double dot(size_t n, const float* x, const float* y);
void multiply(size_t n, const float* x, const float* y, float* z);
void add(size_t n, const float* x, const float* y, float* z);
void add_bias(int rows, int cols, const float* bias, float* x);
void add_column_sums(int rows, int cols, const float* x, float* out);
void relu_forward(size_t n, const float* x, float* y);
void relu_backward(size_t n, const float* x, const float* dy, float* dx);

// softmax_simd.cpp: logits (batch,classes), labels (batch)
double softmax_cross_entropy(int batch, int classes, const float* logits, const int32_t* labels,
                             float* dlogits, int* n_correct);

// conv_direct.cpp: NHWC images, kernel (kh·kw·channels, filters), y and dy (batch·out_h·out_w,
// filters)
void conv_forward(const ConvGeometry& g, int filters, const float* image, const float* kernel,
                  float* y);
void conv_kernel_gradient(const ConvGeometry& g, int filters, const float* image,
                          const float* dy, float* dkernel);

// conv_kernels.cpp: NHWC images, cols (batch·out_h·out_w, kh·kw·channels)
void col2im(const ConvGeometry& g, const float* cols, float* image);
void maxpool_forward(const ConvGeometry& g, const float* x, float* y, int32_t* argmax);
void maxpool_backward(size_t n_out, const float* dy, const int32_t* argmax, float* dx);

// walsh_hadamard_simd.cpp: unnormalised, in place, n a power of two
void walsh_hadamard(size_t n, float* x);
// Backend::walsh_hadamard_leading on the threads (the same sums in the same order)
void walsh_hadamard_leading(size_t n, size_t block, size_t rows, float* x);

// sparse_kernels.cpp
void sparse_gemv(const SparseMatrix& a, float alpha, const float* x, float beta, float* y);
void sparse_gemv_transposed(const SparseMatrix& a, float alpha, const float* y, float beta,
                            float* x);

// optimizer_simd.cpp
void sgd_momentum_step(size_t n, float lr, float momentum, const float* grad, float* velocity,
                       float* param);
void adam_step(size_t n, float lr, float beta1, float beta2, float epsilon, int64_t step,
               const float* grad, float* m, float* v, float* param);

}  // namespace idim::cpu
