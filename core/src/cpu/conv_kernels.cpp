// im2col / col2im and max pooling of the "cpu" backend, NHWC. With channels innermost, the kernel
// columns kx of one kernel row ky are contiguous in the image, so each (output pixel, ky) is one
// memcpy (or one add loop) plus zeros for the part that falls into the padding.
#include <algorithm>
#include <cstring>
#include <string>

#include "cpu/kernels_cpu.h"
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

}  // namespace

void im2col(const ConvGeometry& g, const float* image, float* cols) {
    check_geometry(g, "im2col", false);
    const size_t c = size_t(g.channels), row_len = size_t(g.kernel_w) * c;
    const size_t per_image = size_t(g.out_h()) * g.out_w() * g.kernel_h * row_len;
#pragma omp parallel for schedule(static) if (parallel_images(g, double(per_image)))
    for (int b = 0; b < g.batch; ++b) {
        float* out = cols + size_t(b) * per_image;
        for (int oy = 0; oy < g.out_h(); ++oy)
            for (int ox = 0; ox < g.out_w(); ++ox) {
                const int x0 = ox * g.stride - g.pad;
                int lo, hi;
                inside_columns(g, x0, lo, hi);
                for (int ky = 0; ky < g.kernel_h; ++ky, out += row_len) {
                    const int y = oy * g.stride + ky - g.pad;
                    if (y < 0 || y >= g.height || lo == hi) {
                        std::fill(out, out + row_len, 0.0f);
                        continue;
                    }
                    const float* src = image + ((size_t(b) * g.height + y) * g.width + x0 + lo) * c;
                    std::fill(out, out + lo * c, 0.0f);
                    std::memcpy(out + lo * c, src, (hi - lo) * c * sizeof(float));
                    std::fill(out + hi * c, out + row_len, 0.0f);
                }
            }
    }
}

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

// Per output pixel, all channels at once: the first window position inside the image seeds the
// maximum, later ones replace it only when strictly greater (the reference's first-maximum rule).
void maxpool_forward(const ConvGeometry& g, const float* x, float* y, int32_t* argmax) {
    check_geometry(g, "maxpool_forward", true);
    const int c = g.channels;
    const size_t per_image = size_t(g.out_h()) * g.out_w() * c;
#pragma omp parallel for schedule(static) if (parallel_images(g, double(per_image) * g.kernel_h * g.kernel_w))
    for (int b = 0; b < g.batch; ++b) {
        float* y_image = y + size_t(b) * per_image;
        int32_t* argmax_image = argmax + size_t(b) * per_image;
        for (int oy = 0; oy < g.out_h(); ++oy)
            for (int ox = 0; ox < g.out_w(); ++ox) {
                float* best = y_image + (size_t(oy) * g.out_w() + ox) * c;
                int32_t* where = argmax_image + (size_t(oy) * g.out_w() + ox) * c;
                bool seeded = false;
                for (int ky = 0; ky < g.kernel_h; ++ky)
                    for (int kx = 0; kx < g.kernel_w; ++kx) {
                        const int iy = oy * g.stride + ky - g.pad, ix = ox * g.stride + kx - g.pad;
                        if (iy < 0 || iy >= g.height || ix < 0 || ix >= g.width) continue;
                        const int32_t base = int32_t(((size_t(b) * g.height + iy) * g.width + ix) * c);
                        if (!seeded)
                            for (int ch = 0; ch < c; ++ch) best[ch] = x[base + ch], where[ch] = base + ch;
                        else
                            for (int ch = 0; ch < c; ++ch)
                                if (x[base + ch] > best[ch]) best[ch] = x[base + ch], where[ch] = base + ch;
                        seeded = true;
                    }
            }
    }
}

void maxpool_backward(size_t n_out, const float* dy, const int32_t* argmax, float* dx) {
    for (size_t i = 0; i < n_out; ++i) dx[argmax[i]] += dy[i];
}

}  // namespace idim::cpu
