// The cuda backend's operations as free functions, one file of kernels per idea; backend_cuda.cu
// dispatches the Backend seam to them. Every pointer is device memory unless its name says host;
// every call queues on this thread's stream (device_context.h) and returns without waiting, but
// for those that hand a value back to the host.
#pragma once
#include <cstddef>
#include <cstdint>

#include "idim/backend.h"

namespace idim::cuda {

// ops_gemm.cu: cuBLAS, FP32 (TF32 only with IDIM_CUDA_TF32=1)
void gemm(Transpose ta, Transpose tb, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc);

// ops_elementwise.cu
void copy(size_t n, const float* x, float* y);
void fill(size_t n, float value, float* x);
void gather_rows(size_t n, const uint32_t* index, size_t row_size, const float* table, float* out);
void gather_ints(size_t n, const uint32_t* index, const int32_t* table, int32_t* out);
void gather_scaled(size_t n, const uint32_t* index, const float* table, const float* scale,
                   float* out);
void axpby(size_t n, float alpha, const float* x, float beta, float* y);
void scale(size_t n, float alpha, float* x);
void multiply(size_t n, const float* x, const float* y, float* z);
void add(size_t n, const float* x, const float* y, float* z);
void scaled_add(size_t n, const float* alpha, const float* x, const float* base, float* out);
void add_bias(int rows, int cols, const float* bias, float* x);
void relu_forward(size_t n, const float* x, float* y);
void relu_backward(size_t n, const float* x, const float* dy, float* dx);
void sgd_momentum_step(size_t n, float lr, float momentum, const float* grad, float* velocity,
                       float* param);
void adam_step(size_t n, double lr_t, float beta1, float beta2, float epsilon, const float* grad,
               float* m, float* v, float* param);

// ops_reduce.cu
double dot(size_t n, const float* x, const float* y);   // waits for the result
void dot_into(size_t n, const float* x, const float* y, float* out);
void row_sums(size_t rows, size_t cols, const float* x, double* out);
void add_column_sums(int rows, int cols, const float* x, float* out);
double softmax_cross_entropy(int batch, int classes, const float* logits, const int32_t* labels,
                             float* dlogits, int* host_n_correct);   // waits for the result

// ops_conv.cu
void conv_forward(const ConvGeometry& g, int filters, const float* image, const float* kernel,
                  float* y);
void conv_kernel_gradient(const ConvGeometry& g, int filters, const float* image, const float* dy,
                          float* dkernel);
void col2im(const ConvGeometry& g, const float* cols, float* image);
void maxpool_forward(const ConvGeometry& g, const float* x, float* y, int32_t* argmax);
void maxpool_backward(const ConvGeometry& g, const float* dy, const int32_t* argmax, float* dx);

// ops_walsh_hadamard.cu
void walsh_hadamard(size_t n, float* x);
void walsh_hadamard_leading(size_t n, size_t block, size_t rows, float* x);

// ops_projection.cu
void dense_projection_rows(uint64_t seed, size_t row_begin, size_t rows, size_t dim_sub,
                           const double* norms, float* out);

// ops_sparse.cu and ops_ordered.cu (the sums whose order is fixed, via cached groupings)
void sparse_gemv(const SparseMatrix& a, float alpha, const float* x, float beta, float* y);
void sparse_gemv_transposed(const SparseMatrix& a, float alpha, const float* y, float beta,
                            float* x);
void scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale, const float* x,
                        size_t m, float* out);
// Drops cached groupings built from memory in [p, p + bytes) (freed or overwritten).
void forget_groupings(const void* p, size_t bytes);

// ops_fused.cu: one launch for what two or three of the ops above would do
void copy_twice(size_t n, const float* x, float* out);
void copy_padded(size_t n, size_t total, const float* x, const float* scale, float* out);
void column_sums(int rows, int cols, const float* x, float* out);
void add_bias_relu(int rows, int cols, const float* bias, float* x, float* y);

// ops_loss_on_device.cu: a training step's loss kept on the device
void softmax_cross_entropy_to(int batch, int classes, const float* logits, const int32_t* labels,
                              float* dlogits, double* loss_sum);
void add_mean(size_t n, const double* x, double divisor, double* acc);

}  // namespace idim::cuda
