// Convolution as im2col + cuBLAS (the seam defines it as windows·kernel), and pooling. The image
// gradients (col2im, max pooling's backward pass) are gathers in the reference's order
// (conv_body.h): bit-identical, no atomics.
#include "backends/cuda/conv_body.h"
#include "backends/cuda/launch.cuh"
#include "backends/cuda/ops.h"

namespace idim::cuda {
namespace {

// windows (batch·out_h·out_w, patch) of g over image, in this thread's scratch.
float* im2col(const ConvGeometry& g, const float* image) {
    const size_t patch = cuda_body::patch_size(g);
    const size_t rows = size_t(g.batch) * cuda_body::out_h(g) * cuda_body::out_w(g);
    auto* windows = static_cast<float*>(
        context().scratch(DeviceContext::large, rows * patch * sizeof(float)));
    for_each(rows * patch, [=] __device__(size_t i) {
        windows[i] = cuda_body::im2col_value(g, image, i / patch, i % patch);
    }, "im2col");
    return windows;
}

}  // namespace

// y (rows, filters) = windows (rows, patch) · kernel (patch, filters)
void conv_forward(const ConvGeometry& g, int filters, const float* image, const float* kernel,
                  float* y) {
    const int patch = int(cuda_body::patch_size(g));
    const int rows = g.batch * cuda_body::out_h(g) * cuda_body::out_w(g);
    const float* windows = im2col(g, image);
    gemm(Transpose::no, Transpose::no, rows, filters, patch, 1.0f, windows, patch, kernel, filters,
         0.0f, y, filters);
}

// dkernel (patch, filters) = windowsᵀ · dy (rows, filters)
void conv_kernel_gradient(const ConvGeometry& g, int filters, const float* image, const float* dy,
                          float* dkernel) {
    const int patch = int(cuda_body::patch_size(g));
    const int rows = g.batch * cuda_body::out_h(g) * cuda_body::out_w(g);
    const float* windows = im2col(g, image);
    gemm(Transpose::yes, Transpose::no, patch, filters, rows, 1.0f, windows, patch, dy, filters,
         0.0f, dkernel, filters);
}

void col2im(const ConvGeometry& g, const float* cols, float* image) {
    const size_t n = size_t(g.batch) * g.height * g.width * g.channels;
    for_each(n, [=] __device__(size_t e) {
        image[e] = cuda_body::col2im_element(g, cols, image[e], e);
    }, "col2im");
}

void maxpool_forward(const ConvGeometry& g, const float* x, float* y, int32_t* argmax) {
    const size_t n = size_t(g.batch) * cuda_body::out_h(g) * cuda_body::out_w(g) * g.channels;
    for_each(n, [=] __device__(size_t o) {
        y[o] = cuda_body::maxpool_output(g, x, o, argmax[o]);
    }, "maxpool_forward");
}

void maxpool_backward(const ConvGeometry& g, const float* dy, const int32_t* argmax, float* dx) {
    const size_t n = size_t(g.batch) * g.height * g.width * g.channels;
    for_each(n, [=] __device__(size_t e) {
        dx[e] = cuda_body::maxpool_gradient_element(g, dy, argmax, dx[e], e);
    }, "maxpool_backward");
}

}  // namespace idim::cuda
