// Sums whose order is part of the result, with no atomics: scatter_sum_scaled (Fastfood's Πᵀ·G
// folded onto one block) and the transposed sparse product. Each needs its positions grouped by
// target in increasing position; a stable radix sort (CUB) builds that grouping once per index
// table, and it is cached until the table's memory is freed or written through upload
// (forget_groupings). scatter_sum_scaled then runs in three passes (ordered_sum_body.h): the
// products written in grouped order (G, too, is kept in grouped order with the grouping, so only
// x is gathered); the (part, target) groups summed, one thread each, through shared memory; the
// parts of each target added in order. The transposed sparse product sums a column per thread.
#include <cub/device/device_radix_sort.cuh>

#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "backends/cuda/launch.cuh"
#include "backends/cuda/ops.h"
#include "backends/cuda/ordered_sum_body.h"
#include "idim/error.h"

namespace idim::cuda {
namespace {

// Device array owned by the cache (freed with cudaFree; errors at exit ignored).
template <class T>
struct DeviceArray {
    T* p = nullptr;
    explicit DeviceArray(size_t n) {
        check(cudaMalloc(&p, std::max<size_t>(n, 1) * sizeof(T)), "cudaMalloc (grouping)");
    }
    ~DeviceArray() {
        if (p) cudaFree(p);
    }
    DeviceArray(const DeviceArray&) = delete;
    DeviceArray& operator=(const DeviceArray&) = delete;
};

// order: the positions sorted stably by key; start (n_keys + 1): where each key's group begins.
struct Grouping {
    DeviceArray<uint32_t> order, start;
    DeviceArray<int32_t> row_of;          // the transposed sparse product's row of each position
    DeviceArray<float> scale_grouped;     // scatter_sum_scaled's scale[order[k]]
    Grouping(size_t n, size_t n_keys, size_t n_rows, size_t n_scales)
        : order(n), start(n_keys + 1), row_of(n_rows ? n : 0), scale_grouped(n_scales) {}
};

// Cache key: the index table's address, the scale's (scatter_sum_scaled; else null), the
// table's length and the number of targets. Both tables are taken to change only by upload
// (Fastfood's and the codebook's are written once): an upload into either, or freeing it, drops
// the entry; a kernel writing one would leave a stale grouping.
using GroupingKey = std::tuple<const void*, const void*, size_t, size_t>;
std::mutex cache_mutex;
std::map<GroupingKey, std::shared_ptr<Grouping>> cache;

// order and start of positions 0 … n − 1 under keys (n, values < n_keys), on this stream.
void group_by_key(size_t n, uint32_t* keys, size_t n_keys, Grouping& grouping) {
    require(n < (size_t(1) << 32) && n_keys < (size_t(1) << 32),
            "backend cuda: ordered sum over ", n, " positions is too long");
    DeviceContext& ctx = context();
    DeviceArray<uint32_t> positions(n), sorted_keys(n);
    uint32_t* pos = positions.p;
    for_each(n, [=] __device__(size_t i) { pos[i] = uint32_t(i); }, "group_by_key (iota)");
    size_t temp_bytes = 0;
    check(cub::DeviceRadixSort::SortPairs(nullptr, temp_bytes, keys, sorted_keys.p, pos,
                                          grouping.order.p, n, 0, 32, ctx.stream()),
          "cub::DeviceRadixSort (size)");
    DeviceArray<char> temp(temp_bytes);
    check(cub::DeviceRadixSort::SortPairs(temp.p, temp_bytes, keys, sorted_keys.p, pos,
                                          grouping.order.p, n, 0, 32, ctx.stream()),
          "cub::DeviceRadixSort");
    const uint32_t* sorted = sorted_keys.p;
    uint32_t* start = grouping.start.p;
    for_each(n_keys + 1, [=] __device__(size_t key) {
        start[key] = cuda_body::group_start(sorted, uint32_t(n), uint32_t(key));
    }, "group_by_key (starts)");
    ctx.synchronize();   // the temporaries go when this returns
}

std::shared_ptr<Grouping> cached(const GroupingKey& key) {
    std::lock_guard<std::mutex> lock(cache_mutex);
    auto it = cache.find(key);
    return it == cache.end() ? nullptr : it->second;
}

void remember(const GroupingKey& key, std::shared_ptr<Grouping> grouping) {
    std::lock_guard<std::mutex> lock(cache_mutex);
    cache[key] = std::move(grouping);
}

std::shared_ptr<Grouping> scatter_grouping(size_t n, const uint32_t* index, const float* scale,
                                           size_t m) {
    const GroupingKey key{index, scale, n, m};
    if (auto g = cached(key)) return g;
    auto grouping = std::make_shared<Grouping>(n, scatter_sum_parts * m, 0, n);
    DeviceArray<uint32_t> keys(n);
    uint32_t* k = keys.p;
    for_each(n, [=] __device__(size_t i) { k[i] = cuda_body::scatter_key(i, n, index, m); },
             "scatter_sum_scaled (keys)");
    group_by_key(n, keys.p, scatter_sum_parts * m, *grouping);
    const uint32_t* order = grouping->order.p;
    float* scale_grouped = grouping->scale_grouped.p;
    for_each(n, [=] __device__(size_t k) { scale_grouped[k] = scale[order[k]]; },
             "scatter_sum_scaled (G in grouped order)");
    context().synchronize();
    remember(key, grouping);
    return grouping;
}

std::shared_ptr<Grouping> column_grouping(const SparseMatrix& a) {
    const GroupingKey key{a.col_index, nullptr, size_t(a.nnz), size_t(a.cols)};
    if (auto g = cached(key)) return g;
    auto grouping = std::make_shared<Grouping>(size_t(a.nnz), size_t(a.cols), size_t(a.rows), 0);
    DeviceArray<uint32_t> keys(size_t(a.nnz));
    uint32_t* k = keys.p;
    const int32_t* col = a.col_index;
    for_each(size_t(a.nnz), [=] __device__(size_t p) { k[p] = uint32_t(col[p]); },
             "sparse_gemv_transposed (keys)");
    int32_t* row_of = grouping->row_of.p;
    const int64_t* row_start = a.row_start;
    for_each(size_t(a.rows), [=] __device__(size_t r) {
        for (int64_t p = row_start[r]; p < row_start[r + 1]; ++p) row_of[p] = int32_t(r);
    }, "sparse_gemv_transposed (rows)");
    group_by_key(size_t(a.nnz), keys.p, size_t(a.cols), *grouping);
    remember(key, grouping);
    return grouping;
}

// The (part, target) groups' sums, part_sums[key] for key < n_keys, one summing thread per group
// and kStagedKeys groups a block, read in rounds through shared memory (ordered_sum_body.h).
__global__ void __launch_bounds__(cuda_body::kStagedThreads)
    staged_group_sums(size_t n_keys, const uint32_t* start, const float* products,
                      float* part_sums) {
    using namespace cuda_body;
    __shared__ float tile[kStagedKeys * kStagedRow];
    __shared__ uint32_t begin[kStagedKeys], length[kStagedKeys];
    const size_t key = size_t(blockIdx.x) * kStagedKeys + threadIdx.x;
    const bool mine = threadIdx.x < kStagedKeys && key < n_keys;   // a summing thread
    if (threadIdx.x < kStagedKeys) {
        begin[threadIdx.x] = mine ? start[key] : 0;
        length[threadIdx.x] = mine ? start[key + 1] - start[key] : 0;
    }
    const uint32_t my_length = mine ? start[key + 1] - start[key] : 0;
    float sum = 0.0f;
    // __syncthreads_or is the barrier before each round's writes (and after begin, length): the
    // rounds go on while any group of the block has products left.
    for (uint32_t offset = 0; __syncthreads_or(offset < my_length); offset += kStagedChunk) {
        for (uint32_t e = threadIdx.x; e < kStagedKeys * kStagedChunk; e += kStagedThreads)
            stage_tile_element(e, offset, begin, length, products, tile);
        __syncthreads();
        if (mine) sum = add_tile_row(sum, offset, my_length, tile + threadIdx.x * kStagedRow);
    }
    if (mine) part_sums[key] = sum;
}

}  // namespace

void scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale, const float* x,
                        size_t m, float* out) {
    if (m == 0) return;
    const std::shared_ptr<Grouping> g = scatter_grouping(n, index, scale, m);
    const uint32_t *order = g->order.p, *start = g->start.p;
    const float* scale_grouped = g->scale_grouped.p;
    DeviceContext& ctx = context();
    const size_t n_keys = scatter_sum_parts * m;
    auto* products = static_cast<float*>(ctx.scratch(DeviceContext::large, n * sizeof(float)));
    auto* part_sums =
        static_cast<float*>(ctx.scratch(DeviceContext::partials, n_keys * sizeof(float)));
    for_each(n, [=] __device__(size_t k) {
        products[k] = cuda_body::grouped_product(k, order, scale_grouped, x);
    }, "scatter_sum_scaled (products)");
    const size_t blocks = (n_keys + cuda_body::kStagedKeys - 1) / cuda_body::kStagedKeys;
    require(blocks < (size_t(1) << 31), "backend cuda: scatter_sum_scaled onto ", m,
            " targets is too many");
    staged_group_sums<<<unsigned(blocks), cuda_body::kStagedThreads, 0, ctx.stream()>>>(
        n_keys, start, products, part_sums);
    check_launch("scatter_sum_scaled (group sums)");
    for_each(m, [=] __device__(size_t t) { out[t] = cuda_body::combine_parts(t, m, part_sums); },
             "scatter_sum_scaled (parts)");
}

void sparse_gemv_transposed(const SparseMatrix& a, float alpha, const float* y, float beta,
                            float* x) {
    if (a.cols == 0) return;
    const std::shared_ptr<Grouping> g = column_grouping(a);
    const uint32_t *order = g->order.p, *start = g->start.p;
    const int32_t* row_of = g->row_of.p;
    const float* value = a.value;
    for_each(size_t(a.cols), [=] __device__(size_t c) {
        x[c] = cuda_body::sparse_column(order, start, row_of, value, c, alpha, y, beta, x[c]);
    }, "sparse_gemv_transposed");
}

void sparse_gemv(const SparseMatrix& a, float alpha, const float* x, float beta, float* y) {
    const int64_t* row_start = a.row_start;
    const int32_t* col = a.col_index;
    const float* value = a.value;
    for_each(size_t(a.rows), [=] __device__(size_t r) {
        y[r] = cuda_body::sparse_row(row_start, col, value, int64_t(r), alpha, x, beta, y[r]);
    }, "sparse_gemv");
}

void forget_groupings(const void* p, size_t bytes) {
    const char* begin = static_cast<const char*>(p);
    std::lock_guard<std::mutex> lock(cache_mutex);
    for (auto it = cache.begin(); it != cache.end();) {
        const auto inside = [&](const void* table) {
            const char* t = static_cast<const char*>(table);
            return t && t >= begin && t < begin + bytes;
        };
        if (inside(std::get<0>(it->first)) || inside(std::get<1>(it->first))) it = cache.erase(it);
        else ++it;
    }
}

}  // namespace idim::cuda
