// col2im and max pooling of the "cpu" backend, NHWC. With channels innermost, the kernel columns
// kx of one kernel row ky are contiguous in the image, so each (output pixel, ky) of col2im is one
// add loop, clipped to the part inside the image.
#include <algorithm>
#include <string>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "backends/cpu/kernels_cpu.h"
#include "idim/error.h"

namespace idim::cpu {
namespace {

void check_geometry(const ConvGeometry& g, const char* who, bool window_needs_pixel) {
    auto text = [&] {
        return std::string(who) + ": bad geometry batch=" + std::to_string(g.batch) +
               " height=" + std::to_string(g.height) + " width=" + std::to_string(g.width) +
               " channels=" + std::to_string(g.channels) + " kernel=" + std::to_string(g.kernel_h) +
               "x" + std::to_string(g.kernel_w) + " stride=" + std::to_string(g.stride) +
               " pad=" + std::to_string(g.pad);
    };
    require(g.batch >= 0 && g.height >= 1 && g.width >= 1 && g.channels >= 1 && g.kernel_h >= 1 &&
                g.kernel_w >= 1 && g.stride >= 1 && g.pad >= 0 && g.out_h() >= 1 && g.out_w() >= 1,
            text());
    require(double(g.batch) * g.height * g.width * g.channels < 2147483648.0,
            text() + " (more than 2^31 input values)");
    // every pooling window must hold at least one real pixel to have a maximum
    if (window_needs_pixel) require(g.pad < g.kernel_h && g.pad < g.kernel_w, text());
}

// Images of a batch are independent: above this many values per call, one share of the images per
// OpenMP thread (each image's outputs are computed by the same operations either way).
constexpr double kParallelValues = 1 << 15;
bool parallel_images(const ConvGeometry& g, double values_per_image) {
    return g.batch > 1 && g.batch * values_per_image >= kParallelValues;
}

// The kernel columns [lo, hi) of a window starting at image column x0 that lie inside the image.
void inside_columns(const ConvGeometry& g, int x0, int& lo, int& hi) {
    lo = std::max(0, -x0);
    hi = std::max(lo, std::min(g.kernel_w, g.width - x0));
}

using batch = xsimd::batch<float>;
constexpr size_t lanes = batch::size;

}  // namespace

void col2im(const ConvGeometry& g, const float* cols, float* image) {
    check_geometry(g, "col2im", false);
    const size_t c = size_t(g.channels), row_len = size_t(g.kernel_w) * c;
    const size_t per_image = size_t(g.out_h()) * g.out_w() * g.kernel_h * row_len;
#pragma omp parallel for schedule(static) if (parallel_images(g, double(per_image)))
    for (int b = 0; b < g.batch; ++b) {
        const float* in = cols + size_t(b) * per_image;
        for (int oy = 0; oy < g.out_h(); ++oy)
            for (int ox = 0; ox < g.out_w(); ++ox) {
                const int x0 = ox * g.stride - g.pad;
                int lo, hi;
                inside_columns(g, x0, lo, hi);
                for (int ky = 0; ky < g.kernel_h; ++ky, in += row_len) {
                    const int y = oy * g.stride + ky - g.pad;
                    if (y < 0 || y >= g.height) continue;
                    float* dst = image + ((size_t(b) * g.height + y) * g.width + x0 + lo) * c;
                    const float* src = in + lo * c;
                    for (size_t i = 0, len = (hi - lo) * c; i < len; ++i) dst[i] += src[i];
                }
            }
    }
}

namespace {

// Where each output of a row reads for window column kx: (column, channel) → image column ·
// channels + channel, the column clamped into the image. A clamped column is the nearest real
// pixel of the same window, next to it in window order: reading it twice changes no maximum and no
// argmax (an equal value does not replace; a NaN never does), so the loops need no masks.
std::vector<int32_t> pool_columns(const ConvGeometry& g) {
    const int c = g.channels, out_w = g.out_w();
    std::vector<int32_t> columns(size_t(g.kernel_w) * out_w * c);
    int32_t* at = columns.data();
    for (int kx = 0; kx < g.kernel_w; ++kx)
        for (int ox = 0; ox < out_w; ++ox) {
            const int ix = std::clamp(ox * g.stride + kx - g.pad, 0, g.width - 1);
            for (int ch = 0; ch < c; ++ch) *at++ = ix * c + ch;
        }
    return columns;
}

// One window element for a whole output row: best/where (n) take image row `row` at `columns`
// where it is larger, or everywhere when `seed` (the window's first element).
void pool_step(size_t n, const float* row, int32_t row_start, const int32_t* columns, bool seed,
               float* best, int32_t* where) {
    using indices = xsimd::batch<int32_t>;
    size_t j = 0;
    for (; j + lanes <= n; j += lanes) {
        const indices at = indices::load_unaligned(columns + j);
        const batch v = batch::gather(row, at);
        const indices index = at + indices(row_start);
        if (seed) {
            v.store_unaligned(best + j);
            index.store_unaligned(where + j);
            continue;
        }
        const batch b = batch::load_unaligned(best + j);
        const auto larger = v > b;
        xsimd::select(larger, v, b).store_unaligned(best + j);
        const batch w = xsimd::bitwise_cast<batch>(indices::load_unaligned(where + j));
        xsimd::bitwise_cast<indices>(xsimd::select(larger, xsimd::bitwise_cast<batch>(index), w))
            .store_unaligned(where + j);
    }
    for (; j < n; ++j)
        if (seed || row[columns[j]] > best[j]) best[j] = row[columns[j]], where[j] = row_start + columns[j];
}

}  // namespace

// A row of outputs at a time, one window element (ky, kx) after another, with AVX2 gathers along
// the row: the per-pixel loops over 6 channels with bounds checks ran 600 µs of LeNet's step (2
// threads). Each output still sees its window in (ky, kx) order, the first pixel seeding it and a
// strictly larger one replacing it: the reference's choice, NaN and ties included.
void maxpool_forward(const ConvGeometry& g, const float* x, float* y, int32_t* argmax) {
    check_geometry(g, "maxpool_forward", true);
    const std::vector<int32_t> columns = pool_columns(g);
    const size_t row_values = size_t(g.out_w()) * g.channels, per_image = g.out_h() * row_values;
#pragma omp parallel for schedule(static) if (parallel_images(g, double(per_image) * g.kernel_h * g.kernel_w))
    for (int b = 0; b < g.batch; ++b)
        for (int oy = 0; oy < g.out_h(); ++oy) {
            float* best = y + size_t(b) * per_image + oy * row_values;
            int32_t* where = argmax + size_t(b) * per_image + oy * row_values;
            bool seed = true;
            for (int ky = 0; ky < g.kernel_h; ++ky) {
                const int iy = oy * g.stride + ky - g.pad;
                if (iy < 0 || iy >= g.height) continue;
                const int32_t row_start = int32_t((size_t(b) * g.height + iy) * g.width * g.channels);
                for (int kx = 0; kx < g.kernel_w; ++kx, seed = false)
                    pool_step(row_values, x + row_start, row_start, columns.data() + kx * row_values,
                              seed, best, where);
            }
        }
}

void maxpool_backward(size_t n_out, const float* dy, const int32_t* argmax, float* dx) {
    for (size_t i = 0; i < n_out; ++i) dx[argmax[i]] += dy[i];
}

}  // namespace idim::cpu
