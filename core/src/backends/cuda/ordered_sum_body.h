// Sums whose order is part of the result, without atomics (scatter_sum_scaled and the transposed
// sparse product): the positions of each target are grouped once, in increasing position (a
// stable sort by target), and one thread sums a target's group in that order. For nvcc and the
// host compiler (hd.h).
#pragma once
#include <cstddef>
#include <cstdint>

#include "hd.h"
#include "idim/backend.h"

namespace idim::cuda_body {

// scatter_sum_scaled's part of position i < n: part p holds i in [p·n/parts, (p+1)·n/parts).
IDIM_HD inline uint32_t scatter_part(size_t i, size_t n) {
    uint32_t p = 0;
    while (p + 1 < scatter_sum_parts && i >= (p + 1) * n / scatter_sum_parts) ++p;
    return p;
}

// Group key of position i: (part, target), so each part's positions of a target sit together.
IDIM_HD inline uint32_t scatter_key(size_t i, size_t n, const uint32_t* index, size_t m) {
    return uint32_t(scatter_part(i, n) * m + index[i]);
}

// The k-th product in grouped order: scale·x at position order[k]. One parallel pass writes them
// all, so the ordered sums below read consecutive memory.
IDIM_HD inline float grouped_product(size_t k, const uint32_t* order, const float* scale,
                                     const float* x) {
    return scale[order[k]] * x[order[k]];
}

// out[t]: each part's group of products (products[start[key] .. start[key + 1]), key = part·m + t)
// summed from +0 in order, then the parts added in order — scatter_sum_scaled's contract.
IDIM_HD inline float scatter_target(size_t t, size_t m, const uint32_t* start,
                                    const float* products) {
    float out = 0.0f;
    for (size_t p = 0; p < scatter_sum_parts; ++p) {
        float part = 0.0f;
        for (uint32_t k = start[p * m + t]; k < start[p * m + t + 1]; ++k) part += products[k];
        out = p == 0 ? part : out + part;
    }
    return out;
}

// start[key] for key ≤ n_keys: the first k with sorted_keys[k] ≥ key (a lower bound).
IDIM_HD inline uint32_t group_start(const uint32_t* sorted_keys, uint32_t n, uint32_t key) {
    uint32_t low = 0, high = n;
    while (low < high) {
        const uint32_t mid = low + (high - low) / 2;
        if (sorted_keys[mid] < key) low = mid + 1;
        else high = mid;
    }
    return low;
}

// A sparse row's product in double over its entries in order: y = α·Σ + β·y (β = 0: y unread).
IDIM_HD inline float sparse_row(const int64_t* row_start, const int32_t* col_index,
                                const float* value, int64_t r, float alpha, const float* x,
                                float beta, float y) {
    double sum = 0;
    for (int64_t p = row_start[r]; p < row_start[r + 1]; ++p)
        sum += double(value[p]) * x[col_index[p]];
    return float(alpha * sum + (beta == 0.0f ? 0.0 : double(beta) * y));
}

// x[c] of the transposed sparse product: Σ value·y[row] over column c's entries in increasing
// position (= increasing row, the reference's order), in double; x = α·Σ + β·x.
IDIM_HD inline float sparse_column(const uint32_t* order, const uint32_t* start,
                                   const int32_t* row_of, const float* value, size_t c, float alpha,
                                   const float* y, float beta, float x) {
    double sum = 0;
    for (uint32_t k = start[c]; k < start[c + 1]; ++k)
        sum += double(value[order[k]]) * y[row_of[order[k]]];
    return float(alpha * sum + (beta == 0.0f ? 0.0 : double(beta) * x));
}

}  // namespace idim::cuda_body
