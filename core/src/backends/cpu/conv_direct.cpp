// Convolution without the column matrix: the windows of an image are read from it in place, through
// tables of tap and window offsets, into the register tiles of narrow_tile.h (filters are C's
// columns, a window's taps the depth), at most two vectors of filters at a time. LeNet's im2col wrote 7.4 + 4.9 MB of columns
// per batch of 128 that the products then read back from L3; here an image (3 KB for MNIST) and
// the padded kernel stay in L1.
#include <algorithm>
#include <string>
#include <vector>

#include "backends/cpu/kernels_cpu.h"
#include "backends/cpu/narrow_tile.h"
#include "backends/cpu/parallel_chunks.h"
#include "aligned_floats.h"
#include "idim/error.h"

namespace idim::cpu {
namespace {

using narrow::batch;
using narrow::by_width;
using narrow::over_row_blocks;

// Where tap p = (ky, kx, c) of a window lies from the window's first value, in an image of
// `width` columns: (ky·width + kx)·channels + c, in the kernel's row order.
std::vector<uint32_t> tap_offsets(const ConvGeometry& g, int width) {
    std::vector<uint32_t> taps;
    for (int ky = 0; ky < g.kernel_h; ++ky)
        for (int kx = 0; kx < g.kernel_w; ++kx)
            for (int c = 0; c < g.channels; ++c)
                taps.push_back(uint32_t((size_t(ky) * width + kx) * g.channels + c));
    return taps;
}

// Where the window of output q = (oy, ox) of an image starts, in the image (padded) of
// `width` columns: (oy·width + ox)·stride·channels.
std::vector<uint32_t> window_offsets(const ConvGeometry& g, int width) {
    std::vector<uint32_t> windows;
    for (int oy = 0; oy < g.out_h(); ++oy)
        for (int ox = 0; ox < g.out_w(); ++ox)
            windows.push_back(uint32_t((size_t(oy) * width + ox) * g.stride * g.channels));
    return windows;
}

// op(A) of the forward product over one image: rows are its outputs, the depth the taps.
struct WindowsByOutput {
    const float* image;
    const uint32_t *window, *tap;
    const float* depth(int p) const { return image + tap[p]; }
    float at(const float* depth_p, int q) const { return depth_p[window[q]]; }
};

// op(A) of the kernel gradient over one image: rows are the taps, the depth its outputs.
struct WindowsByTap {
    const float* image;
    const uint32_t *window, *tap;
    const float* depth(int q) const { return image + window[q]; }
    float at(const float* depth_q, int p) const { return depth_q[tap[p]]; }
};

// Image b as the windows read it: in place, or with `pad` zeros around it, copied to a buffer of
// the calling thread's (valid until its next call).
int padded_width(const ConvGeometry& g) { return g.width + 2 * g.pad; }
const float* padded_image(const ConvGeometry& g, const float* images, int b) {
    const size_t row = size_t(g.width) * g.channels;
    const float* src = images + size_t(b) * g.height * row;
    if (g.pad == 0) return src;
    const size_t padded_row = size_t(padded_width(g)) * g.channels;
    thread_local AlignedFloats copy;
    copy.assign(size_t(g.height + 2 * g.pad) * padded_row, 0.0f);
    for (int y = 0; y < g.height; ++y)
        std::copy(src + y * row, src + (y + 1) * row,
                  copy.data() + (y + g.pad) * padded_row + size_t(g.pad) * g.channels);
    return copy.data();
}

// Columns [f0, f0 + nf) of a (rows, cols) matrix as rows of NV vectors of B, zeros after nf.
// Column by column: row by row, each row of 6 or 16 floats would be a call to memcpy (LeNet's
// first kernel gradient takes 600 µs this way, 686 that way).
template <class B, int NV>
void pad_columns(int rows, int cols, int f0, int nf, const float* m, AlignedFloats& out) {
    constexpr size_t row_floats = size_t(NV) * B::size;
    out.assign(size_t(rows) * row_floats, 0.0f);
    for (int j = 0; j < nf; ++j)
        for (int r = 0; r < rows; ++r) out[r * row_floats + j] = m[size_t(r) * cols + f0 + j];
}

constexpr double kParallelFlops = 2e6;  // below, a fork/join costs more than it saves

template <class B, int NV>
void forward_filters(const ConvGeometry& g, int filters, int f0, int nf, const float* images,
                     const float* kernel, float* y) {
    const std::vector<uint32_t> taps = tap_offsets(g, padded_width(g));
    const std::vector<uint32_t> windows = window_offsets(g, padded_width(g));
    const int depth = int(taps.size()), outputs = int(windows.size());
    AlignedFloats kernel_padded;
    pad_columns<B, NV>(depth, filters, f0, nf, kernel, kernel_padded);
    const double flops = 2.0 * g.batch * outputs * depth * nf;
    parallel_for(g.batch, flops >= kParallelFlops, [&](long b) {
        const WindowsByOutput a{padded_image(g, images, int(b)), windows.data(), taps.data()};
        float* out = y + size_t(b) * outputs * filters + f0;
        over_row_blocks<B, NV>(0, outputs, [&](int q0, auto tile) {
            tile.zero();
            tile.accumulate(a, q0, 0, depth, kernel_padded.data());
            tile.write(nf, 1.0f, 0.0f, out + size_t(q0) * filters, filters);
        });
    });
}

// One thread: the sum over the batch runs in one fixed order whatever the thread count (batch
// shards run it on each of theirs).
template <class B, int NV>
void kernel_gradient_filters(const ConvGeometry& g, int filters, int f0, int nf,
                             const float* images, const float* dy, float* dkernel) {
    const std::vector<uint32_t> taps = tap_offsets(g, padded_width(g));
    const std::vector<uint32_t> windows = window_offsets(g, padded_width(g));
    const int depth = int(taps.size()), outputs = int(windows.size());
    constexpr size_t block_floats = size_t(NV) * B::size;
    AlignedFloats sums(size_t(depth) * block_floats), dy_padded;
    for (int b = 0; b < g.batch; ++b) {
        pad_columns<B, NV>(outputs, filters, f0, nf, dy + size_t(b) * outputs * filters, dy_padded);
        const WindowsByTap a{padded_image(g, images, b), windows.data(), taps.data()};
        over_row_blocks<B, NV>(0, depth, [&](int p0, auto tile) {
            float* parked = sums.data() + size_t(p0) * block_floats;
            tile.load(parked);
            tile.accumulate(a, p0, 0, outputs, dy_padded.data());
            tile.store(parked);
        });
    }
    over_row_blocks<B, NV>(0, depth, [&](int p0, auto tile) {
        tile.load(sums.data() + size_t(p0) * block_floats);
        tile.write(nf, 1.0f, 0.0f, dkernel + size_t(p0) * filters + f0, filters);
    });
}

// f<B, NV>(f0, nf) over the filters in groups of at most two vectors.
template <class F>
void over_filter_groups(int filters, F f) {
    for (int f0 = 0; f0 < filters; f0 += 2 * int(batch::size)) {
        const int nf = std::min(filters - f0, 2 * int(batch::size));
        by_width(nf, [&]<class B, int NV>() { f.template operator()<B, NV>(f0, nf); });
    }
}

void check_conv(const ConvGeometry& g, int filters, const char* who) {
    require(g.batch >= 0 && g.height >= 1 && g.width >= 1 && g.channels >= 1 && g.kernel_h >= 1 &&
                g.kernel_w >= 1 && g.stride >= 1 && g.pad >= 0 && g.out_h() >= 1 &&
                g.out_w() >= 1 && filters >= 1,
            std::string(who) + ": bad geometry or filter count");
    require(double(g.batch) * (g.height + 2 * g.pad) * (g.width + 2 * g.pad) * g.channels <
                2147483648.0,
            std::string(who) + ": more than 2^31 input values");
}

}  // namespace

void conv_forward(const ConvGeometry& g, int filters, const float* image, const float* kernel,
                  float* y) {
    check_conv(g, filters, "conv_forward");
    over_filter_groups(filters, [&]<class B, int NV>(int f0, int nf) {
        forward_filters<B, NV>(g, filters, f0, nf, image, kernel, y);
    });
}

void conv_kernel_gradient(const ConvGeometry& g, int filters, const float* image,
                          const float* dy, float* dkernel) {
    check_conv(g, filters, "conv_kernel_gradient");
    over_filter_groups(filters, [&]<class B, int NV>(int f0, int nf) {
        kernel_gradient_filters<B, NV>(g, filters, f0, nf, image, dy, dkernel);
    });
}

}  // namespace idim::cpu
