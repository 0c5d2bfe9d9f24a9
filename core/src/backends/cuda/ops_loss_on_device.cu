// A training step's loss kept in device memory (backend.h: softmax_cross_entropy_to, add_mean):
// the rows of softmax_body.h, then one thread adds them in row order, as the reference's loop.
#include <cmath>

#include "backends/cuda/device_context.h"
#include "backends/cuda/launch.cuh"
#include "backends/cuda/ops.h"
#include "backends/cuda/softmax_body.h"

namespace idim::cuda {
namespace {

__global__ void sum_rows(int batch, const double* row_loss, double* loss_sum) {
    double loss = 0;
    for (int b = 0; b < batch; ++b) loss += row_loss[b];
    *loss_sum = loss;
}

__global__ void add_mean_kernel(size_t n, const double* x, double divisor, double* acc) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += x[i];
    *acc += sum / divisor;
}

}  // namespace

void softmax_cross_entropy_to(int batch, int classes, const float* logits, const int32_t* labels,
                              float* dlogits, double* loss_sum) {
    DeviceContext& ctx = context();
    auto* row_loss = static_cast<double*>(ctx.scratch(DeviceContext::partials,
                                                      size_t(batch) * sizeof(double)));
    for_each(size_t(batch), [=] __device__(size_t b) {
        if (labels[b] < 0 || labels[b] >= classes) {   // no host check: NaN reads as divergence
            row_loss[b] = NAN;
            return;
        }
        int correct = 0;
        row_loss[b] = cuda_body::softmax_cross_entropy_row(batch, classes, logits, labels, dlogits,
                                                           int(b), correct);
    }, "softmax_cross_entropy_to");
    sum_rows<<<1, 1, 0, ctx.stream()>>>(batch, row_loss, loss_sum);
    check_launch("softmax_cross_entropy_to (sum)");
}

void add_mean(size_t n, const double* x, double divisor, double* acc) {
    add_mean_kernel<<<1, 1, 0, context().stream()>>>(n, x, divisor, acc);
    check_launch("add_mean");
}

}  // namespace idim::cuda
