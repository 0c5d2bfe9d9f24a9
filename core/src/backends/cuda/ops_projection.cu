// Rows of the dense projection P generated on the device, one thread per entry, from the same
// source as the host's generator (projection_body.h, rng_detail.h; built with -fmad=false).
#include "backends/cuda/launch.cuh"
#include "backends/cuda/ops.h"
#include "backends/cuda/projection_body.h"

namespace idim::cuda {

// out (rows, dim_sub) = P's rows [row_begin, row_begin + rows); norms (dim_sub) on the device
void dense_projection_rows(uint64_t seed, size_t row_begin, size_t rows, size_t dim_sub,
                           const double* norms, float* out) {
    for_each(rows * dim_sub, [=] __device__(size_t i) {
        out[i] = cuda_body::dense_projection_entry(seed, row_begin + i / dim_sub, i % dim_sub, norms);
    }, "dense_projection_rows");
}

}  // namespace idim::cuda
