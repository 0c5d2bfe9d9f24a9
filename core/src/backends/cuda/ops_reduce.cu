// Reductions. Where the reference sums in a fixed order per output (row sums, column sums, the
// softmax's rows and their total) one thread follows that order and the bits match. The dot
// product is a two-pass tree in double: deterministic, within the reference's rounding bound.
#include "backends/cuda/launch.cuh"
#include "backends/cuda/ops.h"
#include "backends/cuda/softmax_body.h"
#include "idim/error.h"

namespace idim::cuda {
namespace {

constexpr unsigned kDotBlocks = 256;

// partial[block] = Σ x·y in double over a grid-stride slice, reduced in shared memory.
__global__ void __launch_bounds__(kThreads) dot_partials(size_t n, const float* x, const float* y, double* partial) {
    __shared__ double sums[kThreads];
    double sum = 0;
    for (size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
         i += size_t(gridDim.x) * blockDim.x)
        sum += double(x[i]) * y[i];
    sums[threadIdx.x] = sum;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) sums[threadIdx.x] += sums[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0) partial[blockIdx.x] = sums[0];
}

// *total = Σ partial in order; *as_float = float of it when not null.
__global__ void __launch_bounds__(1) sum_partials(unsigned n, const double* partial, double* total, float* as_float) {
    double sum = 0;
    for (unsigned i = 0; i < n; ++i) sum += partial[i];
    if (total) *total = sum;
    if (as_float) *as_float = float(sum);
}

void queue_dot(size_t n, const float* x, const float* y, double* total, float* as_float) {
    DeviceContext& ctx = context();
    auto* partial = static_cast<double*>(ctx.scratch(DeviceContext::partials,
                                                     kDotBlocks * sizeof(double)));
    dot_partials<<<kDotBlocks, kThreads, 0, ctx.stream()>>>(n, x, y, partial);
    check_launch("dot");
    sum_partials<<<1, 1, 0, ctx.stream()>>>(kDotBlocks, partial, total, as_float);
    check_launch("dot (total)");
}

struct SoftmaxTotals {
    double loss;
    int correct;
    int bad_labels;
};

// Row losses and hits added in row order, as the reference's loop does; a row whose label is
// out of range has row_correct −1.
__global__ void __launch_bounds__(1) softmax_totals(int batch, const double* row_loss, const int* row_correct,
                               SoftmaxTotals* totals) {
    double loss = 0;
    int correct = 0, bad = 0;
    for (int b = 0; b < batch; ++b) {
        loss += row_loss[b];
        if (row_correct[b] < 0) ++bad;
        else correct += row_correct[b];
    }
    *totals = {loss, correct, bad};
}

}  // namespace

double dot(size_t n, const float* x, const float* y) {
    DeviceContext& ctx = context();
    auto* total = static_cast<double*>(ctx.scratch(DeviceContext::result, sizeof(double)));
    queue_dot(n, x, y, total, nullptr);
    double host = 0;
    check(cudaMemcpyAsync(&host, total, sizeof host, cudaMemcpyDeviceToHost, ctx.stream()), "dot");
    ctx.synchronize();
    return host;
}

void dot_into(size_t n, const float* x, const float* y, float* out) {
    queue_dot(n, x, y, nullptr, out);
}

void row_sums(size_t rows, size_t cols, const float* x, double* out) {
    for_each(rows, [=] __device__(size_t r) {
        double sum = 0;
        for (size_t j = 0; j < cols; ++j) sum += x[r * cols + j];
        out[r] = sum;
    }, "row_sums");
}

void add_column_sums(int rows, int cols, const float* x, float* out) {
    for_each(size_t(cols), [=] __device__(size_t c) {
        double sum = 0;
        for (int r = 0; r < rows; ++r) sum += x[size_t(r) * cols + c];
        out[c] += float(sum);
    }, "add_column_sums");
}

double softmax_cross_entropy(int batch, int classes, const float* logits, const int32_t* labels,
                             float* dlogits, int* host_n_correct) {
    if (batch == 0) {
        if (host_n_correct) *host_n_correct = 0;
        return 0.0;
    }
    DeviceContext& ctx = context();
    const size_t row_bytes = size_t(batch) * (sizeof(double) + sizeof(int));
    char* rows = static_cast<char*>(ctx.scratch(DeviceContext::partials, row_bytes));
    auto* row_loss = reinterpret_cast<double*>(rows);
    auto* row_correct = reinterpret_cast<int*>(rows + size_t(batch) * sizeof(double));
    for_each(size_t(batch), [=] __device__(size_t b) {
        if (labels[b] < 0 || labels[b] >= classes) {
            row_loss[b] = 0;
            row_correct[b] = -1;
            return;
        }
        int correct = 0;
        row_loss[b] = cuda_body::softmax_cross_entropy_row(batch, classes, logits, labels, dlogits,
                                                           int(b), correct);
        row_correct[b] = correct;
    }, "softmax_cross_entropy");
    auto* totals = static_cast<SoftmaxTotals*>(ctx.scratch(DeviceContext::result,
                                                           sizeof(SoftmaxTotals)));
    softmax_totals<<<1, 1, 0, ctx.stream()>>>(batch, row_loss, row_correct, totals);
    check_launch("softmax_cross_entropy (totals)");
    SoftmaxTotals host{};
    check(cudaMemcpyAsync(&host, totals, sizeof host, cudaMemcpyDeviceToHost, ctx.stream()),
          "softmax_cross_entropy");
    ctx.synchronize();
    require(host.bad_labels == 0, "softmax_cross_entropy: ", host.bad_labels,
            " labels outside [0, ", classes, ")");
    if (host_n_correct) *host_n_correct = host.correct;
    return host.loss;
}

}  // namespace idim::cuda
