// Per-element bodies of the cuda backend's element-wise kernels and optimiser steps, written once
// for nvcc and the host compiler (hd.h). Each is the reference backend's loop body with the same
// operations in the same order, so with no fused multiply-adds (-fmad=false, -ffp-contract=off)
// the device writes the reference's bits; test_cuda_bodies runs them on the host to check.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hd.h"

namespace idim::cuda_body {

IDIM_HD inline float axpby(float alpha, float x, float beta, float y) {
    return alpha * x + (beta == 0.0f ? 0.0f : beta * y);
}
IDIM_HD inline float relu(float x) { return x > 0 ? x : 0.0f; }
IDIM_HD inline float relu_gradient(float x, float dy) { return x > 0 ? dy : 0.0f; }
IDIM_HD inline float scaled_add(float alpha, float x, const float* base, size_t i) {
    return base ? base[i] + alpha * x : alpha * x;
}

// velocity = momentum·velocity + grad; param −= lr·velocity
IDIM_HD inline void sgd_momentum(float lr, float momentum, float grad, float& velocity,
                                 float& param) {
    velocity = momentum * velocity + grad;
    param -= lr * velocity;
}

// Adam with the bias-corrected rate lr_t computed once on the host in double (optimizer.h).
IDIM_HD inline void adam(double lr_t, float beta1, float beta2, float epsilon, float grad, float& m,
                         float& v, float& param) {
    m = beta1 * m + (1 - beta1) * grad;
    v = beta2 * v + (1 - beta2) * grad * grad;
#ifdef __CUDA_ARCH__
    const double root = ::sqrt(double(v));
#else
    const double root = __builtin_sqrt(double(v));
#endif
    param -= float(lr_t * m / (root + epsilon));
}

}  // namespace idim::cuda_body
