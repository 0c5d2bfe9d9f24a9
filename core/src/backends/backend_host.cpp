// What backends whose kernels run on the host share: host memory, and the few ops that read a
// scalar from backend memory (written once here, as plain loops).
#include <cstring>
#include <new>

#include <algorithm>

#include "subspaces/dense_rows.h"
#include "idim/backend.h"

namespace idim {

constexpr std::align_val_t kAlignment{64};

void* Backend::allocate(size_t bytes) {
    void* p = ::operator new(bytes, kAlignment);
    std::memset(p, 0, bytes);
    return p;
}

void Backend::deallocate(void* p, size_t) { ::operator delete(p, kAlignment); }

void Backend::upload(const void* host, size_t bytes, void* dst) { std::memcpy(dst, host, bytes); }

void Backend::download(const void* src, size_t bytes, void* host) { std::memcpy(host, src, bytes); }

void Backend::scaled_add(size_t n, const float* alpha, const float* x, const float* base,
                         float* out) {
    const float a = *alpha;
    if (base) for (size_t i = 0; i < n; ++i) out[i] = base[i] + a * x[i];
    else for (size_t i = 0; i < n; ++i) out[i] = a * x[i];
}

void Backend::gather_ints(size_t n, const uint32_t* index, const int32_t* table, int32_t* out) {
    for (size_t i = 0; i < n; ++i) out[i] = table[index[i]];
}

void Backend::walsh_hadamard_leading(size_t n, size_t block, size_t rows, float* x) {
    for (size_t b = 0; b < n; b += block) walsh_hadamard(block, x + b);
    for (size_t h = block; h < n; h *= 2)
        for (size_t i = 0; i < n; i += 2 * h)
            for (size_t k = 0; k < rows; ++k) x[i + k] = x[i + k] + x[i + h + k];
}

void Backend::dense_projection_rows(uint64_t seed, size_t row_begin, size_t rows, size_t dim_sub,
                                    const double* norms, float* out) {
    constexpr size_t kChunk = 16;   // rows per parallel work item
    const CounterRng rng(seed, Stream::dense_projection);
    parallel_for((rows + kChunk - 1) / kChunk, [&](size_t c) {
        const size_t first = c * kChunk, last = std::min(rows, first + kChunk);
        dense::generate_rows(rng, row_begin + first, row_begin + last, dim_sub, out + first * dim_sub);
        for (size_t r = first; r < last; ++r) dense::normalise_row(norms, dim_sub, out + r * dim_sub);
    });
}

void Backend::row_sums(size_t rows, size_t cols, const float* x, double* out) {
    for (size_t r = 0; r < rows; ++r) {
        double sum = 0;
        for (size_t j = 0; j < cols; ++j) sum += x[r * cols + j];
        out[r] = sum;
    }
}

void Backend::dot_into(size_t n, const float* x, const float* y, float* out) {
    *out = float(dot(n, x, y));
}

}  // namespace idim
