// Element-wise kernels and reductions of the "cpu" backend with xsimd batches of the default
// architecture (AVX2 natively, SSE4.2 → wasm simd128 in the browser). Each op performs the same
// IEEE operations as the reference, in the same order, so results match it bit for bit; only
// dot and add_column_sums sum in a different order (see there).
#include <algorithm>
#include <numeric>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "backends/cpu/kernels_cpu.h"
#include "backends/cpu/simd_fma.h"
#include "backends/cpu/parallel_chunks.h"

namespace idim::cpu {
namespace {
using batch = xsimd::batch<float>;
constexpr size_t lanes = batch::size;
}  // namespace

void axpby(size_t n, float alpha, const float* x, float beta, float* y) {
    size_t i = 0;
    const batch va(alpha), vb(beta);
    if (beta == 0.0f) {  // y is output only: its old contents (maybe NaN) must not leak in
        for (; i + lanes <= n; i += lanes) (va * batch::load_unaligned(x + i)).store_unaligned(y + i);
        for (; i < n; ++i) y[i] = alpha * x[i];
        return;
    }
    for (; i + lanes <= n; i += lanes)
        (va * batch::load_unaligned(x + i) + vb * batch::load_unaligned(y + i)).store_unaligned(y + i);
    for (; i < n; ++i) y[i] = alpha * x[i] + beta * y[i];
}

void scale(size_t n, float alpha, float* x) {
    size_t i = 0;
    const batch va(alpha);
    for (; i + lanes <= n; i += lanes) (va * batch::load_unaligned(x + i)).store_unaligned(x + i);
    for (; i < n; ++i) x[i] *= alpha;
}

// Four float accumulators (fused multiply-add) over blocks of 4096 elements, each block's sum
// added in double: a lane sums at most 4096 / (4·lanes) ≤ 128 products in float, so the error is
// about 128·2⁻²⁴·Σ|x·y| in the worst case, while the loop runs at full SIMD speed.
double dot(size_t n, const float* x, const float* y) {
    constexpr size_t block = 4096;
    double total = 0;
    size_t i = 0;
    while (i + 4 * lanes <= n) {
        batch acc0(0.0f), acc1(0.0f), acc2(0.0f), acc3(0.0f);
        const size_t end = i + std::min(block, (n - i) / (4 * lanes) * (4 * lanes));
        for (; i < end; i += 4 * lanes) {
            const auto product_into = [&](size_t at, batch acc) {
                return fused_multiply_add(batch::load_unaligned(x + at),
                                          batch::load_unaligned(y + at), acc);
            };
            acc0 = product_into(i, acc0);
            acc1 = product_into(i + lanes, acc1);
            acc2 = product_into(i + 2 * lanes, acc2);
            acc3 = product_into(i + 3 * lanes, acc3);
        }
        total += double(xsimd::hadd((acc0 + acc1) + (acc2 + acc3)));
    }
    for (; i < n; ++i) total += double(x[i]) * y[i];
    return total;
}

void multiply(size_t n, const float* x, const float* y, float* z) {
    size_t i = 0;
    for (; i + lanes <= n; i += lanes)
        (batch::load_unaligned(x + i) * batch::load_unaligned(y + i)).store_unaligned(z + i);
    for (; i < n; ++i) z[i] = x[i] * y[i];
}

// Long: θ = θ0 + P·θ_d over the whole network (Fastfood's expand), shared among the threads.
void add(size_t n, const float* x, const float* y, float* z) {
    over_chunks(n, [&](size_t begin, size_t count) {
        const float *xs = x + begin, *ys = y + begin;
        float* zs = z + begin;
        size_t i = 0;
        for (; i + lanes <= count; i += lanes)
            (batch::load_unaligned(xs + i) + batch::load_unaligned(ys + i)).store_unaligned(zs + i);
        for (; i < count; ++i) zs[i] = xs[i] + ys[i];
    });
}

// Rows of `cols` floats, laid end to end, repeat a per-column pattern every lcm(cols, lanes)
// floats, a whole number of vectors: walking the flat array against that pattern vectorises rows
// of any width (row by row, a convolution's 6 channels go one scalar add at a time: LeNet's
// 73,728 × 6 bias takes 287 µs so). Wider patterns than kMaxPeriod go row by row.
namespace {
constexpr size_t kMaxPeriod = 1024;
size_t period_of(int cols) { return std::lcm(size_t(cols), lanes); }

void add_bias_by_rows(int rows, int cols, const float* bias, float* x) {
    for (int r = 0; r < rows; ++r) {
        float* row = x + size_t(r) * cols;
        int c = 0;
        for (; c + int(lanes) <= cols; c += lanes)
            (batch::load_unaligned(row + c) + batch::load_unaligned(bias + c)).store_unaligned(row + c);
        for (; c < cols; ++c) row[c] += bias[c];
    }
}
}  // namespace

void add_bias(int rows, int cols, const float* bias, float* x) {
    if (rows <= 0 || cols <= 0) return;
    const size_t period = period_of(cols);
    if (period > kMaxPeriod) return add_bias_by_rows(rows, cols, bias, x);
    alignas(64) float pattern[kMaxPeriod];
    for (size_t i = 0; i < period; ++i) pattern[i] = bias[i % size_t(cols)];
    over_chunks(size_t(rows) * cols, [&](size_t begin, size_t count) {
        float* chunk = x + begin;
        size_t i = 0, k = begin % period;  // chunks start on whole vectors, so k does too
        for (; i + lanes <= count; i += lanes) {
            (batch::load_unaligned(chunk + i) + batch::load_aligned(pattern + k)).store_unaligned(chunk + i);
            k = k + lanes == period ? 0 : k + lanes;
        }
        for (; i < count; ++i) chunk[i] += pattern[(begin + i) % period];
    });
}

// Rows are summed in float in runs of 256, each run's sums added in double: long columns (a
// convolution's batch·out_h·out_w rows) keep double-like accuracy at SIMD speed.
namespace {
constexpr int kRun = 256;

void add_column_sums_by_rows(int rows, int cols, const float* x, float* out) {
    std::vector<double> total(size_t(cols), 0.0);
    std::vector<float> partial(static_cast<size_t>(cols));
    for (int r0 = 0; r0 < rows; r0 += kRun) {
        std::fill(partial.begin(), partial.end(), 0.0f);
        for (int r = r0; r < std::min(rows, r0 + kRun); ++r) {
            const float* row = x + size_t(r) * cols;
            int c = 0;
            for (; c + int(lanes) <= cols; c += lanes)
                (batch::load_unaligned(partial.data() + c) + batch::load_unaligned(row + c))
                    .store_unaligned(partial.data() + c);
            for (; c < cols; ++c) partial[c] += row[c];
        }
        for (int c = 0; c < cols; ++c) total[c] += partial[c];
    }
    for (int c = 0; c < cols; ++c) out[c] += float(total[c]);
}
}  // namespace

// With a short pattern (see add_bias) each place of the pattern sums its share of a run in float;
// the places are then added into their columns in double.
void add_column_sums(int rows, int cols, const float* x, float* out) {
    if (rows <= 0 || cols <= 0) return;
    const size_t period = period_of(cols);
    if (period > kMaxPeriod) return add_column_sums_by_rows(rows, cols, x, out);
    std::vector<double> total(size_t(cols), 0.0);
    alignas(64) float place[kMaxPeriod];
    for (int r0 = 0; r0 < rows; r0 += kRun) {
        // A run starts at r0·cols, a multiple of the period (kRun is a multiple of lanes).
        const float* run = x + size_t(r0) * cols;
        const size_t count = size_t(std::min(kRun, rows - r0)) * cols;
        std::fill(place, place + period, 0.0f);
        size_t i = 0;
        for (; i + period <= count; i += period)
            for (size_t k = 0; k < period; k += lanes)
                (batch::load_aligned(place + k) + batch::load_unaligned(run + i + k)).store_aligned(place + k);
        for (size_t k = 0; i < count; ++i, ++k) place[k] += run[i];
        for (size_t k = 0; k < period; ++k) total[k % size_t(cols)] += place[k];
    }
    for (int c = 0; c < cols; ++c) out[c] += float(total[c]);
}

// select(x > 0, …) rather than max(x, 0): a NaN input gives 0 as in the reference. Long arrays
// (a convolution's activations) are split over the threads.
void relu_forward(size_t n, const float* x, float* y) {
    over_chunks(n, [&](size_t begin, size_t count) {
        const float* in = x + begin;
        float* out = y + begin;
        size_t i = 0;
        const batch zero(0.0f);
        for (; i + lanes <= count; i += lanes) {
            batch v = batch::load_unaligned(in + i);
            xsimd::select(v > zero, v, zero).store_unaligned(out + i);
        }
        for (; i < count; ++i) out[i] = in[i] > 0 ? in[i] : 0.0f;
    });
}

void relu_backward(size_t n, const float* x, const float* dy, float* dx) {
    over_chunks(n, [&](size_t begin, size_t count) {
        size_t i = 0;
        const batch zero(0.0f);
        for (; i + lanes <= count; i += lanes)
            xsimd::select(batch::load_unaligned(x + begin + i) > zero,
                          batch::load_unaligned(dy + begin + i), zero)
                .store_unaligned(dx + begin + i);
        for (; i < count; ++i) dx[begin + i] = x[begin + i] > 0 ? dy[begin + i] : 0.0f;
    });
}

}  // namespace idim::cpu
