// Sums whose order is part of the result, without atomics (scatter_sum_scaled and the transposed
// sparse product): the positions of each target are grouped once, in increasing position (a
// stable sort by target), and one thread sums a group in that order. For nvcc and the host
// compiler (hd.h); tests/test_cuda_bodies.cpp runs them block by block as the kernels do.
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

// The k-th product in grouped order: G·x at position order[k], with G already stored in grouped
// order (scale_grouped[k] = scale[order[k]], built once with the grouping), so of the two
// operands only x is gathered. One parallel pass writes them all, so the sums below read
// consecutive memory. The product is rounded to float before it is added, as in the reference.
IDIM_HD inline float grouped_product(size_t k, const uint32_t* order, const float* scale_grouped,
                                     const float* x) {
    return scale_grouped[k] * x[order[k]];
}

// The sums of the (part, target) groups, parts × targets of them: one thread per group, so a
// thread adds n / (parts·m) products, not n / m, and the parts run at once. A block takes the
// groups of kStagedKeys consecutive keys and reads them in rounds: each round its kStagedThreads
// threads copy the next kStagedChunk products of each of its groups into shared memory (a
// group's chunk is consecutive, so the reads are coalesced), then the first kStagedKeys threads
// each add their own group's row in order. Every group is still summed from +0 in increasing
// position. A round costs about one trip to memory and kStagedChunk dependent additions, so long
// chunks keep the chain of additions, not the trips, the limit (Fastfood at d = 1,000 and
// L = 2^24: 16 rounds of 256 a group).
constexpr uint32_t kStagedKeys = 8;
constexpr uint32_t kStagedChunk = 256;
constexpr uint32_t kStagedThreads = 64;
constexpr uint32_t kStagedRow = kStagedChunk + 1;   // padded: the summing threads' reads hit distinct banks

// A round at `offset` into each group: tile element e < kStagedKeys·kStagedChunk is column
// e % kStagedChunk of row e / kStagedChunk, the product offset + column of that row's group
// (begin[row], length[row]) where the group is that long.
IDIM_HD inline void stage_tile_element(uint32_t e, uint32_t offset, const uint32_t* begin,
                                       const uint32_t* length, const float* products,
                                       float* tile) {
    const uint32_t row = e / kStagedChunk, column = e % kStagedChunk;
    if (offset + column < length[row])
        tile[row * kStagedRow + column] = products[begin[row] + offset + column];
}

// A thread's share of a round: its group's products offset … offset + kStagedChunk − 1 (those
// there are), staged in `row`, added to sum in order.
IDIM_HD inline float add_tile_row(float sum, uint32_t offset, uint32_t length, const float* row) {
    const uint32_t left = length > offset ? length - offset : 0;
    const uint32_t count = left < kStagedChunk ? left : kStagedChunk;
    for (uint32_t i = 0; i < count; ++i) sum += row[i];
    return sum;
}

// out[t]: the parts' sums of target t added in order, ((p0 + p1) + p2) + p3 — with the groups
// summed from +0 in order, scatter_sum_scaled's contract. part_sums[p·m + t] is part p's.
IDIM_HD inline float combine_parts(size_t t, size_t m, const float* part_sums) {
    float out = part_sums[t];
    for (size_t p = 1; p < scatter_sum_parts; ++p) out = out + part_sums[p * m + t];
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
