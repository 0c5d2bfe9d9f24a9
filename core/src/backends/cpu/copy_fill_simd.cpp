// Copy and fill with xsimd. glibc's memcpy and memset switch to `rep movsb` / `rep stosb` from
// 2 KiB up to the non-temporal threshold; on this project's KVM machines those move only about
// 3 GB/s: copying θ and the batch through them takes 15% of the main thread's time in the FC step.
// Plain vector loads and stores move 30+ GB/s in cache; long arrays are split over the threads.
#include <xsimd/xsimd.hpp>

#include "backends/cpu/kernels_cpu.h"
#include "backends/cpu/parallel_chunks.h"

namespace idim::cpu {
namespace {

using batch = xsimd::batch<float>;
constexpr size_t lanes = batch::size;

void copy_run(size_t n, const float* x, float* y) {
    size_t i = 0;
    for (; i + 4 * lanes <= n; i += 4 * lanes) {
        const batch a = batch::load_unaligned(x + i), b = batch::load_unaligned(x + i + lanes),
                    c = batch::load_unaligned(x + i + 2 * lanes),
                    d = batch::load_unaligned(x + i + 3 * lanes);
        a.store_unaligned(y + i);
        b.store_unaligned(y + i + lanes);
        c.store_unaligned(y + i + 2 * lanes);
        d.store_unaligned(y + i + 3 * lanes);
    }
    for (; i + lanes <= n; i += lanes) batch::load_unaligned(x + i).store_unaligned(y + i);
    for (; i < n; ++i) y[i] = x[i];
}

void fill_run(size_t n, float value, float* x) {
    const batch v(value);
    size_t i = 0;
    for (; i + lanes <= n; i += lanes) v.store_unaligned(x + i);
    for (; i < n; ++i) x[i] = value;
}

// The hardware prefetcher follows a row once it is being read but cannot guess where the next
// row of a gather starts: asking for it while this row is copied overlaps the two waits.
void prefetch_row(const float* row, size_t row_size) {
    for (size_t i = 0; i < row_size; i += 64 / sizeof(float)) __builtin_prefetch(row + i);
}

}  // namespace

void copy(size_t n, const float* x, float* y) {
    over_chunks(n, [&](size_t begin, size_t count) { copy_run(count, x + begin, y + begin); });
}

// Rows of a data set far larger than the caches: each copy waits on memory, so two threads help
// from a few rows on (a batch of 128 MNIST digits is 400 KB).
void gather_rows(size_t n, const uint32_t* index, size_t row_size, const float* table, float* out) {
    constexpr size_t kParallelGather = size_t(1) << 14;
    parallel_for(long(n), n * row_size >= kParallelGather, [=](long i) {
        if (size_t(i) + 2 < n)  // two ahead: 64 MNIST rows on one thread 46 µs, one ahead 35, two 28
            prefetch_row(table + size_t(index[i + 2]) * row_size, row_size);
        copy_run(row_size, table + size_t(index[i]) * row_size, out + size_t(i) * row_size);
    });
}

// AVX2's vgatherdps where the table is small enough for L1 (Fastfood's expand: 2^18 lookups in
// 8 KB: 88 µs on one thread against 181 for the scalar loop); a table far larger than the caches
// waits on memory either way. Elsewhere xsimd gathers lane by lane.
void gather_scaled(size_t n, const uint32_t* index, const float* table, const float* scale,
                   float* out) {
    using indices = xsimd::batch<int32_t>;  // as many lanes as batch; entries below 2^31
    over_chunks(n, [&](size_t begin, size_t count) {
        const auto* at = reinterpret_cast<const int32_t*>(index + begin);
        const float* s = scale + begin;
        float* o = out + begin;
        size_t i = 0;
        for (; i + lanes <= count; i += lanes)
            (batch::load_unaligned(s + i) * batch::gather(table, indices::load_unaligned(at + i)))
                .store_unaligned(o + i);
        for (; i < count; ++i) o[i] = s[i] * table[at[i]];
    });
}

void fill(size_t n, float value, float* x) {
    over_chunks(n, [&](size_t begin, size_t count) { fill_run(count, value, x + begin); });
}

}  // namespace idim::cpu
