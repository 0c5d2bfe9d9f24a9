// One entry of the dense projection P on any device (hd.h): the counter-based normal of
// (seed, dense_projection, i·2^32 + j) rounded to float, then divided by its column's norm in
// double — the operations of dense_rows.h, so the GPU makes the host's and WebAssembly's bits.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hd.h"
#include "idim/rng.h"
#include "rng/rng_detail.h"

namespace idim::cuda_body {

IDIM_HD inline float dense_projection_entry(uint64_t seed, uint64_t row, uint64_t col,
                                            const double* norms) {
    const uint64_t index = (row << 32) + col;
    double first, second;
    detail::polar_pair_values(uint32_t(seed), uint32_t(seed >> 32),
                              uint32_t(Stream::dense_projection), index / 2, 0, first, second);
    const float g = float(index % 2 == 0 ? first : second);
    return norms[col] > 0 ? float(g / norms[col]) : g;
}

}  // namespace idim::cuda_body
