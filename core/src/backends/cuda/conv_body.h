// Index maps of the convolution and pooling kernels as one thread's work, for nvcc and the host
// compiler (hd.h). The image gradients are gathers: each image element adds the windows that
// cover it in increasing output order, which is the order in which the reference's scatter adds
// them, so the bits match with no atomics.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hd.h"
#include "idim/backend.h"

namespace idim::cuda_body {

// ConvGeometry::out_h/out_w, which device code cannot call.
IDIM_HD inline int out_h(const ConvGeometry& g) {
    return (g.height + 2 * g.pad - g.kernel_h) / g.stride + 1;
}
IDIM_HD inline int out_w(const ConvGeometry& g) {
    return (g.width + 2 * g.pad - g.kernel_w) / g.stride + 1;
}

IDIM_HD inline size_t patch_size(const ConvGeometry& g) {
    return size_t(g.kernel_h) * g.kernel_w * g.channels;
}

// windows(q, p) of conv_forward: q = (b, oy, ox), p = (ky, kx, c); 0 in the padding.
IDIM_HD inline float im2col_value(const ConvGeometry& g, const float* image, size_t q, size_t p) {
    const int c = int(p % g.channels), kx = int(p / g.channels % g.kernel_w),
              ky = int(p / g.channels / g.kernel_w);
    const int ox = int(q % out_w(g)), oy = int(q / out_w(g) % out_h(g));
    const size_t b = q / out_w(g) / out_h(g);
    const int y = oy * g.stride + ky - g.pad, x = ox * g.stride + kx - g.pad;
    if (y < 0 || y >= g.height || x < 0 || x >= g.width) return 0.0f;
    return image[((b * g.height + y) * g.width + x) * g.channels + c];
}

// The outputs o along one axis whose window covers input position y: [first, last].
IDIM_HD inline void covering_outputs(int y, int pad, int kernel, int stride, int n_out, int& first,
                                     int& last) {
    const int low = y + pad - kernel + 1;   // o·stride ≥ low
    first = low <= 0 ? 0 : (low + stride - 1) / stride;
    last = (y + pad) / stride;
    if (last > n_out - 1) last = n_out - 1;
}

// image[e] + Σ cols(window row, p) over the windows covering element e = (b, y, x, c) in order.
IDIM_HD inline float col2im_element(const ConvGeometry& g, const float* cols, float image_value,
                                    size_t e) {
    const int c = int(e % g.channels), x = int(e / g.channels % g.width),
              y = int(e / g.channels / g.width % g.height);
    const size_t b = e / g.channels / g.width / g.height;
    int oy0, oy1, ox0, ox1;
    covering_outputs(y, g.pad, g.kernel_h, g.stride, out_h(g), oy0, oy1);
    covering_outputs(x, g.pad, g.kernel_w, g.stride, out_w(g), ox0, ox1);
    float sum = image_value;
    for (int oy = oy0; oy <= oy1; ++oy)
        for (int ox = ox0; ox <= ox1; ++ox) {
            const int ky = y + g.pad - oy * g.stride, kx = x + g.pad - ox * g.stride;
            const size_t row = (b * out_h(g) + oy) * out_w(g) + ox;
            sum += cols[row * patch_size(g) + (size_t(ky) * g.kernel_w + kx) * g.channels + c];
        }
    return sum;
}

// Max over output o's window (first maximum in (ky, kx) order); its input index into argmax.
IDIM_HD inline float maxpool_output(const ConvGeometry& g, const float* x, size_t o,
                                    int32_t& argmax) {
    const int c = int(o % g.channels), ox = int(o / g.channels % out_w(g)),
              oy = int(o / g.channels / out_w(g) % out_h(g));
    const size_t b = o / g.channels / out_w(g) / out_h(g);
    int32_t best = -1;
    for (int ky = 0; ky < g.kernel_h; ++ky)
        for (int kx = 0; kx < g.kernel_w; ++kx) {
            const int iy = oy * g.stride + ky - g.pad, ix = ox * g.stride + kx - g.pad;
            if (iy < 0 || iy >= g.height || ix < 0 || ix >= g.width) continue;
            const int32_t i = int32_t(((b * g.height + iy) * g.width + ix) * g.channels + c);
            if (best < 0 || x[i] > x[best]) best = i;
        }
    argmax = best;
    return x[best];
}

// dx[e] + Σ dy(o) over the outputs o whose window covers e and chose it, in increasing o.
IDIM_HD inline float maxpool_gradient_element(const ConvGeometry& g, const float* dy,
                                              const int32_t* argmax, float dx_value, size_t e) {
    const int c = int(e % g.channels), x = int(e / g.channels % g.width),
              y = int(e / g.channels / g.width % g.height);
    const size_t b = e / g.channels / g.width / g.height;
    int oy0, oy1, ox0, ox1;
    covering_outputs(y, g.pad, g.kernel_h, g.stride, out_h(g), oy0, oy1);
    covering_outputs(x, g.pad, g.kernel_w, g.stride, out_w(g), ox0, ox1);
    float sum = dx_value;
    for (int oy = oy0; oy <= oy1; ++oy)
        for (int ox = ox0; ox <= ox1; ++ox) {
            const size_t o = ((b * out_h(g) + oy) * out_w(g) + ox) * g.channels + c;
            if (argmax[o] == int32_t(e)) sum += dy[o];
        }
    return sum;
}

}  // namespace idim::cuda_body
