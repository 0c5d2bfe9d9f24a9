// Fused kernels: one launch where the ops they stand for (backend.h) would be two or three, with
// those ops' bits: the same additions, on the same values.
#include "backends/cuda/elementwise_body.h"
#include "backends/cuda/launch.cuh"
#include "backends/cuda/ops.h"

namespace idim::cuda {

// fill, add, copy: [x + 0; x]
void copy_twice(size_t n, const float* x, float* out) {
    for_each(n, [=] __device__(size_t i) {
        out[i] = x[i] + 0.0f;
        out[n + i] = x[i];
    }, "copy_twice");
}

// multiply (or copy), then fill
void copy_padded(size_t n, size_t total, const float* x, const float* scale, float* out) {
    for_each(total, [=] __device__(size_t i) {
        out[i] = i >= n ? 0.0f : scale ? scale[i] * x[i] : x[i];
    }, "copy_padded");
}

// fill and add_column_sums (ops_reduce.cu): the column's double sum, onto a +0
void column_sums(int rows, int cols, const float* x, float* out) {
    for_each(size_t(cols), [=] __device__(size_t c) {
        double sum = 0;
        for (int r = 0; r < rows; ++r) sum += x[size_t(r) * cols + c];
        out[c] = 0.0f + float(sum);
    }, "column_sums");
}

// add_bias and relu_forward (ops_elementwise.cu)
void add_bias_relu(int rows, int cols, const float* bias, float* x, float* y) {
    for_each(size_t(rows) * cols, [=] __device__(size_t i) {
        x[i] += bias[i % cols];
        y[i] = cuda_body::relu(x[i]);
    }, "add_bias_relu");
}

}  // namespace idim::cuda
