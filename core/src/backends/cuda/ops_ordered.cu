// Sums whose order is part of the result, with no atomics: scatter_sum_scaled (Fastfood's Πᵀ·G
// folded onto one block) and the transposed sparse product. Each needs its positions grouped by
// target in increasing position; a stable radix sort (CUB) builds that grouping once per index
// table, and it is cached until the table's memory is freed or written through upload
// (forget_groupings). Then the products are written in grouped order and one thread per target
// sums its group in order (ordered_sum_body.h).
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
    DeviceArray<int32_t> row_of;   // the transposed sparse product's row of each position
    Grouping(size_t n, size_t n_keys, size_t n_rows)
        : order(n), start(n_keys + 1), row_of(n_rows ? n : 0) {}
};

// Cache key: the table's address, its length and the number of targets.
using GroupingKey = std::tuple<const void*, size_t, size_t>;
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

std::shared_ptr<Grouping> scatter_grouping(size_t n, const uint32_t* index, size_t m) {
    const GroupingKey key{index, n, m};
    if (auto g = cached(key)) return g;
    auto grouping = std::make_shared<Grouping>(n, scatter_sum_parts * m, 0);
    DeviceArray<uint32_t> keys(n);
    uint32_t* k = keys.p;
    for_each(n, [=] __device__(size_t i) { k[i] = cuda_body::scatter_key(i, n, index, m); },
             "scatter_sum_scaled (keys)");
    group_by_key(n, keys.p, scatter_sum_parts * m, *grouping);
    remember(key, grouping);
    return grouping;
}

std::shared_ptr<Grouping> column_grouping(const SparseMatrix& a) {
    const GroupingKey key{a.col_index, size_t(a.nnz), size_t(a.cols)};
    if (auto g = cached(key)) return g;
    auto grouping = std::make_shared<Grouping>(size_t(a.nnz), size_t(a.cols), size_t(a.rows));
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

}  // namespace

void scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale, const float* x,
                        size_t m, float* out) {
    if (m == 0) return;
    const std::shared_ptr<Grouping> g = scatter_grouping(n, index, m);
    const uint32_t *order = g->order.p, *start = g->start.p;
    auto* products =
        static_cast<float*>(context().scratch(DeviceContext::large, n * sizeof(float)));
    for_each(n, [=] __device__(size_t k) {
        products[k] = cuda_body::grouped_product(k, order, scale, x);
    }, "scatter_sum_scaled (products)");
    for_each(m, [=] __device__(size_t t) {
        out[t] = cuda_body::scatter_target(t, m, start, products);
    }, "scatter_sum_scaled");
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
        const char* table = static_cast<const char*>(std::get<0>(it->first));
        if (table >= begin && table < begin + bytes) it = cache.erase(it);
        else ++it;
    }
}

}  // namespace idim::cuda
