// Element-wise kernels, gathers and optimiser steps: one thread per element, the loop bodies of
// elementwise_body.h, so the bits are the reference backend's.
#include "backends/cuda/elementwise_body.h"
#include "backends/cuda/launch.cuh"
#include "backends/cuda/ops.h"

namespace idim::cuda {

void copy(size_t n, const float* x, float* y) {
    if (n == 0 || x == y) return;
    check(cudaMemcpyAsync(y, x, n * sizeof(float), cudaMemcpyDeviceToDevice, context().stream()),
          "copy");
    check_launch("copy");
}

void fill(size_t n, float value, float* x) {
    for_each(n, [=] __device__(size_t i) { x[i] = value; }, "fill");
}

void gather_rows(size_t n, const uint32_t* index, size_t row_size, const float* table,
                 float* out) {
    for_each(n * row_size, [=] __device__(size_t i) {
        out[i] = table[size_t(index[i / row_size]) * row_size + i % row_size];
    }, "gather_rows");
}

void gather_ints(size_t n, const uint32_t* index, const int32_t* table, int32_t* out) {
    for_each(n, [=] __device__(size_t i) { out[i] = table[index[i]]; }, "gather_ints");
}

void gather_scaled(size_t n, const uint32_t* index, const float* table, const float* scale,
                   float* out) {
    for_each(n, [=] __device__(size_t i) { out[i] = scale[i] * table[index[i]]; }, "gather_scaled");
}

void axpby(size_t n, float alpha, const float* x, float beta, float* y) {
    for_each(n, [=] __device__(size_t i) { y[i] = cuda_body::axpby(alpha, x[i], beta, y[i]); },
             "axpby");
}

void scale(size_t n, float alpha, float* x) {
    for_each(n, [=] __device__(size_t i) { x[i] *= alpha; }, "scale");
}

void multiply(size_t n, const float* x, const float* y, float* z) {
    for_each(n, [=] __device__(size_t i) { z[i] = x[i] * y[i]; }, "multiply");
}

void add(size_t n, const float* x, const float* y, float* z) {
    for_each(n, [=] __device__(size_t i) { z[i] = x[i] + y[i]; }, "add");
}

void scaled_add(size_t n, const float* alpha, const float* x, const float* base, float* out) {
    for_each(n, [=] __device__(size_t i) {
        out[i] = cuda_body::scaled_add(*alpha, x[i], base, i);
    }, "scaled_add");
}

void add_bias(int rows, int cols, const float* bias, float* x) {
    for_each(size_t(rows) * cols, [=] __device__(size_t i) { x[i] += bias[i % cols]; }, "add_bias");
}

void relu_forward(size_t n, const float* x, float* y) {
    for_each(n, [=] __device__(size_t i) { y[i] = cuda_body::relu(x[i]); }, "relu_forward");
}

void relu_backward(size_t n, const float* x, const float* dy, float* dx) {
    for_each(n, [=] __device__(size_t i) { dx[i] = cuda_body::relu_gradient(x[i], dy[i]); },
             "relu_backward");
}

void sgd_momentum_step(size_t n, float lr, float momentum, const float* grad, float* velocity,
                       float* param) {
    for_each(n, [=] __device__(size_t i) {
        cuda_body::sgd_momentum(lr, momentum, grad[i], velocity[i], param[i]);
    }, "sgd_momentum_step");
}

void adam_step(size_t n, double lr_t, float beta1, float beta2, float epsilon, const float* grad,
               float* m, float* v, float* param) {
    for_each(n, [=] __device__(size_t i) {
        cuda_body::adam(lr_t, beta1, beta2, epsilon, grad[i], m[i], v[i], param[i]);
    }, "adam_step");
}

}  // namespace idim::cuda
