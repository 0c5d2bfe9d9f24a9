// What backends whose kernels run on the host share: host memory, and the few ops that read a
// scalar from backend memory (written once here, as plain loops).
#include <cstring>
#include <new>

#include <algorithm>

#include "subspaces/dense_rows.h"
#include "idim/backend.h"

namespace idim {

constexpr std::align_val_t kAlignment{64};

void* Backend::allocate(size_t bytes) {
    void* p = ::operator new(bytes, kAlignment);
    std::memset(p, 0, bytes);
    return p;
}

void Backend::deallocate(void* p, size_t) { ::operator delete(p, kAlignment); }

void Backend::upload(const void* host, size_t bytes, void* dst) { std::memcpy(dst, host, bytes); }

void Backend::download(const void* src, size_t bytes, void* host) { std::memcpy(host, src, bytes); }

void Backend::scaled_add(size_t n, const float* alpha, const float* x, const float* base,
                         float* out) {
    const float a = *alpha;
    if (base) for (size_t i = 0; i < n; ++i) out[i] = base[i] + a * x[i];
    else for (size_t i = 0; i < n; ++i) out[i] = a * x[i];
}

// The fused ops as the calls they fuse, through this backend's own kernels: the same bits by
// definition wherever a backend has no single kernel for them.
void Backend::column_sums(int rows, int cols, const float* x, float* out) {
    fill(size_t(cols), 0.0f, out);
    add_column_sums(rows, cols, x, out);
}

void Backend::add_bias_relu(int rows, int cols, const float* bias, float* x, float* y) {
    add_bias(rows, cols, bias, x);
    relu_forward(size_t(rows) * size_t(cols), x, y);
}

void Backend::copy_padded(size_t n, size_t total, const float* x, const float* scale,
                          float* out) {
    if (scale) multiply(n, scale, x, out);
    else copy(n, x, out);
    fill(total - n, 0.0f, out + n);
}

void Backend::copy_twice(size_t n, const float* x, float* out) {
    fill(n, 0.0f, out);
    add(n, x, out, out);
    copy(n, x, out + n);
}

// In place where the host can read the memory; elsewhere through the backend's own transfers,
// correct but a wait, which a device backend overrides with kernels.
void Backend::softmax_cross_entropy_to(int batch, int classes, const float* logits,
                                       const int32_t* labels, float* dlogits, double* loss_sum) {
    const double loss = softmax_cross_entropy(batch, classes, logits, labels, dlogits, nullptr);
    if (host_addressable()) *loss_sum = loss;
    else upload(&loss, sizeof loss, loss_sum);
}

void Backend::add_mean(size_t n, const double* x, double divisor, double* acc) {
    double sum = 0, total = 0;
    for (size_t i = 0; i < n; ++i) {
        double xi;
        if (host_addressable()) xi = x[i];
        else download(x + i, sizeof xi, &xi);
        sum += xi;
    }
    if (host_addressable()) total = *acc;
    else download(acc, sizeof total, &total);
    total += sum / divisor;
    if (host_addressable()) *acc = total;
    else upload(&total, sizeof total, acc);
}

void Backend::gather_ints(size_t n, const uint32_t* index, const int32_t* table, int32_t* out) {
    for (size_t i = 0; i < n; ++i) out[i] = table[index[i]];
}

void Backend::walsh_hadamard_leading(size_t n, size_t block, size_t rows, float* x) {
    for (size_t b = 0; b < n; b += block) walsh_hadamard(block, x + b);
    for (size_t h = block; h < n; h *= 2)
        for (size_t i = 0; i < n; i += 2 * h)
            for (size_t k = 0; k < rows; ++k) x[i + k] = x[i + k] + x[i + h + k];
}

void Backend::dense_projection_rows(uint64_t seed, size_t row_begin, size_t rows, size_t dim_sub,
                                    const double* norms, float* out) {
    constexpr size_t kChunk = 16;   // rows per parallel work item
    const CounterRng rng(seed, Stream::dense_projection);
    parallel_for((rows + kChunk - 1) / kChunk, [&](size_t c) {
        const size_t first = c * kChunk, last = std::min(rows, first + kChunk);
        dense::generate_rows(rng, row_begin + first, row_begin + last, dim_sub, out + first * dim_sub);
        for (size_t r = first; r < last; ++r) dense::normalise_row(norms, dim_sub, out + r * dim_sub);
    });
}

void Backend::row_sums(size_t rows, size_t cols, const float* x, double* out) {
    for (size_t r = 0; r < rows; ++r) {
        double sum = 0;
        for (size_t j = 0; j < cols; ++j) sum += x[r * cols + j];
        out[r] = sum;
    }
}

void Backend::dot_into(size_t n, const float* x, const float* y, float* out) {
    *out = float(dot(n, x, y));
}

}  // namespace idim
