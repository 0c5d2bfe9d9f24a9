// One row of softmax cross-entropy as one thread's work, for nvcc and the host compiler (hd.h):
// the reference backend's loop body (first-maximum argmax, sums in double). The batch's loss is
// then the rows' losses added in row order.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "hd.h"

namespace idim::cuda_body {

IDIM_HD inline double exp_d(double x) {
#ifdef __CUDA_ARCH__
    return ::exp(x);
#else
    return std::exp(x);
#endif
}
IDIM_HD inline double log_d(double x) {
#ifdef __CUDA_ARCH__
    return ::log(x);
#else
    return std::log(x);
#endif
}

// Row b of logits (batch, classes): returns −log softmax[label]; correct = argmax is the label;
// dlogits' row = (softmax − onehot) / batch when dlogits is not null.
IDIM_HD inline double softmax_cross_entropy_row(int batch, int classes, const float* logits,
                                                const int32_t* labels, float* dlogits, int b,
                                                int& correct) {
    const float* z = logits + size_t(b) * classes;
    int best = 0;
    for (int c = 1; c < classes; ++c)
        if (z[c] > z[best]) best = c;
    double sum = 0;
    for (int c = 0; c < classes; ++c) sum += exp_d(double(z[c]) - z[best]);
    const double log_sum = log_d(sum) + z[best];
    correct = best == labels[b];
    if (dlogits)
        for (int c = 0; c < classes; ++c) {
            const double p = exp_d(double(z[c]) - log_sum);
            dlogits[size_t(b) * classes + c] = float((p - (c == labels[b])) / batch);
        }
    return log_sum - z[labels[b]];
}

}  // namespace idim::cuda_body
