// How the dense projection's entries come from the generator (projection_dense.cpp): shared with
// the backends' default dense_projection_rows (backend_host.cpp), so the stored and the tiled P,
// and every backend, make the same floats.
#pragma once
#include <cstddef>
#include <vector>

#include "idim/rng.h"

namespace idim::dense {

// Rows [row_begin, row_end) of g into rows (row-major, dim_sub floats per row):
// g(i, j) = float(CounterRng(seed, dense_projection).normal(i·2^32 + j)).
void generate_rows(const CounterRng& rng, size_t row_begin, size_t row_end, size_t dim_sub,
                   float* rows);

// P(i, j) = float(g(i, j) / norm_j) in place over one row; a zero column stays zero.
inline void normalise_row(const double* norms, size_t dim_sub, float* row) {
    for (size_t j = 0; j < dim_sub; ++j)
        if (norms[j] > 0) row[j] = float(row[j] / norms[j]);
}

}  // namespace idim::dense
