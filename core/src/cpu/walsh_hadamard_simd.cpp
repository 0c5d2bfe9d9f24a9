// Cache-blocked Walsh–Hadamard transform (unnormalised, in place) with xsimd. It runs the
// textbook radix-2 butterfly network — the same additions on the same pairs as the reference, so
// the result is bit-identical — in a cache-friendly order: (1) each 32 KiB block does all its
// stages while in L1 (the strides below one SIMD width inside registers); (2) the strides up to
// 2^15 across those blocks, in L2, one 64 KiB panel of columns at a time; (3) for longer
// transforms, the remaining strides across the 256 KiB blocks, again a panel at a time.
#include <algorithm>
#include <bit>
#include <string>
#include <utility>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "cpu/kernels_cpu.h"
#include "idim/error.h"

namespace idim::cpu {
namespace {

using batch = xsimd::batch<float>;
constexpr size_t lanes = batch::size;
constexpr size_t l1_floats = size_t(1) << 13;     // 32 KiB: a block's stages stay in L1
constexpr size_t l2_floats = size_t(1) << 16;     // 256 KiB: L1 blocks and their panels in L2
constexpr size_t panel_floats = size_t(1) << 14;  // 64 KiB: a panel of the long strides

template <size_t H>
struct PartnerLane {  // lane i exchanges with lane i ^ H
    static constexpr uint32_t get(size_t i, size_t) { return uint32_t(i ^ H); }
};

// The vector with each lane i replaced by lane i ^ H. xsimd's swizzle is a general cross-lane
// permute, vpermps on AVX2, which is slow on Zen; there the partners of H = 1, 2 lie in the same
// 128-bit half (an in-lane vpermilps) and H = 4 is the other half (vperm2f128). SSE and
// WebAssembly's swizzle already is one cheap shuffle.
template <size_t H>
batch partner(batch x) {
#if XSIMD_WITH_AVX
    if constexpr (lanes == 8 && H == 1) return _mm256_permute_ps(x, 0xB1);
    if constexpr (lanes == 8 && H == 2) return _mm256_permute_ps(x, 0x4E);
    if constexpr (lanes == 8 && H == 4) return _mm256_permute2f128_ps(x, x, 0x01);
#endif
    return xsimd::swizzle(x, xsimd::make_batch_constant<xsimd::batch<uint32_t>, PartnerLane<H>>());
}

// One stage with stride H < lanes inside a register. sign is +1 where lane bit H is clear and −1
// where it is set, so fma gives a + b in the lower and a − b in the upper lane of each pair
// (x·±1 is exact: the same rounding as the reference's add and subtract).
template <size_t H>
batch lane_stage(batch x, batch sign) {
    return xsimd::fma(x, sign, partner<H>(x));
}

struct LaneSigns {
    batch sign[5];  // for H = 1, 2, 4, 8, 16 (up to AVX-512's 16 lanes)
    LaneSigns() {
        for (size_t s = 0; (size_t(1) << s) < lanes; ++s) {
            alignas(64) float v[lanes];
            for (size_t i = 0; i < lanes; ++i) v[i] = (i >> s) & 1 ? -1.0f : 1.0f;
            sign[s] = batch::load_unaligned(v);
        }
    }
};

template <size_t H = 1>
batch lane_stages(batch x, const LaneSigns& signs) {
    if constexpr (H < lanes) {
        constexpr int s = H == 1 ? 0 : H == 2 ? 1 : H == 4 ? 2 : H == 8 ? 3 : 4;
        return lane_stages<2 * H>(lane_stage<H>(x, signs.sign[s]), signs);
    } else {
        return x;
    }
}

// R stages between the 2^R registers v (stage s pairs v[t] with v[t + 2^s]).
template <int R>
inline void register_butterflies(batch* v) {
    for (int s = 0; s < R; ++s)
        for (int t = 0; t < (1 << R); ++t)
            if (!(t & (1 << s))) {
                const batch a = v[t], b = v[t | (1 << s)];
                v[t] = a + b;
                v[t | (1 << s)] = a - b;
            }
}

// The data as rows (row r at src + r·src_stride), `width` floats of each touched. R stages pair
// rows q and q + 2^s·hr for s < R; results go to the same rows of dst. In place (dst = src), the
// 2^R rows need one set of addresses, which stays in registers; two sets spill to the stack.
template <int R, bool InPlace>
void row_pass(const float* src, size_t src_stride, float* dst, size_t dst_stride, size_t rows,
              size_t hr, size_t width) {
    constexpr int count = 1 << R;
    for (size_t i = 0; i < rows; i += hr * count)
        for (size_t q = i; q < i + hr; ++q) {
            const float* in[count];
            float* out[count];
            for (int t = 0; t < count; ++t) {
                in[t] = src + (q + t * hr) * src_stride;
                out[t] = InPlace ? const_cast<float*>(in[t]) : dst + (q + t * hr) * dst_stride;
            }
            for (size_t j = 0; j < width; j += lanes) {
                batch v[count];
                for (int t = 0; t < count; ++t) v[t] = batch::load_unaligned(in[t] + j);
                register_butterflies<R>(v);
                for (int t = 0; t < count; ++t) v[t].store_unaligned(out[t] + j);
            }
        }
}

template <bool InPlace>
void row_pass(int r, const float* src, size_t src_stride, float* dst, size_t dst_stride,
              size_t rows, size_t hr, size_t width) {
    if (r == 1) row_pass<1, InPlace>(src, src_stride, dst, dst_stride, rows, hr, width);
    if (r == 2) row_pass<2, InPlace>(src, src_stride, dst, dst_stride, rows, hr, width);
    if (r == 3) row_pass<3, InPlace>(src, src_stride, dst, dst_stride, rows, hr, width);
}

// All log2(rows) ≥ 1 row stages, three per sweep: the first sweep reads src, the last writes dst,
// and the sweeps between work in scratch (stride width), so no sweep meets src's cache aliasing.
void row_stages(const float* src, size_t src_stride, float* dst, size_t dst_stride,
                float* scratch, size_t rows, size_t width) {
    size_t hr = 1;
    do {
        int r = 0;
        while (r < 3 && (hr << r) < rows) ++r;
        const bool last = (hr << r) >= rows;
        float* out = last ? dst : scratch;
        const size_t out_stride = last ? dst_stride : width;
        if (out == src && out_stride == src_stride)
            row_pass<true>(r, src, src_stride, out, out_stride, rows, hr, width);
        else
            row_pass<false>(r, src, src_stride, out, out_stride, rows, hr, width);
        src = out;
        src_stride = out_stride;
        hr <<= r;
    } while (hr < rows);
}

void scalar_transform(size_t n, float* x) {  // n below one SIMD width
    for (size_t h = 1; h < n; h *= 2)
        for (size_t i = 0; i < n; i += 2 * h)
            for (size_t j = i; j < i + h; ++j) {
                const float a = x[j], b = x[j + h];
                x[j] = a + b;
                x[j + h] = a - b;
            }
}

// One sweep of R row stages over a block of Rows vectors, the row stride HR a compile-time
// constant: the 2^R rows of a butterfly are one pointer plus constant offsets, where the general
// row_pass kept eight computed addresses and spilled them to the stack in every iteration.
template <size_t Rows, int R, size_t HR>
void fixed_sweep(float* x, const LaneSigns& signs) {
    constexpr int count = 1 << R;
    for (size_t i = 0; i < Rows; i += HR * count)
        for (size_t q = i; q < i + HR; ++q) {
            float* p = x + q * lanes;
            batch v[count];
            for (int t = 0; t < count; ++t) v[t] = batch::load_unaligned(p + t * HR * lanes);
            if constexpr (HR == 1)
                for (int t = 0; t < count; ++t) v[t] = lane_stages(v[t], signs);
            register_butterflies<R>(v);
            for (int t = 0; t < count; ++t) v[t].store_unaligned(p + t * HR * lanes);
        }
}

// All stages of Rows vectors in place, in row_stages' order (three row stages per sweep, the
// strides inside a vector in the first): the same operations, so bit-identical to it.
template <size_t Rows, size_t HR = 1>
void fixed_stages(float* x, const LaneSigns& signs) {
    constexpr int r = HR * 8 <= Rows ? 3 : HR * 4 <= Rows ? 2 : HR * 2 <= Rows ? 1 : 0;
    fixed_sweep<Rows, r, HR>(x, signs);
    if constexpr ((HR << r) < Rows) fixed_stages<Rows, (HR << r)>(x, signs);
}

template <size_t... Log2Rows>
void l1_dispatch(float* x, size_t rows, const LaneSigns& signs, std::index_sequence<Log2Rows...>) {
    ((rows == (size_t(1) << Log2Rows) ? fixed_stages<(size_t(1) << Log2Rows)>(x, signs) : void()), ...);
}

// All stages of one block of lanes ≤ n ≤ l1_floats, in L1: the strides below one vector inside
// registers.
void l1_transform(float* x, size_t n, const LaneSigns& signs) {
    constexpr size_t max_log2_rows = std::bit_width(l1_floats / lanes) - 1;
    l1_dispatch(x, n / lanes, signs, std::make_index_sequence<max_log2_rows + 1>());
}

// Strides block … n/2: the rows of x seen as (n/block, block), a panel of columns at a time.
// Rows lie block floats apart, in the same few cache sets, so the sweeps between the first
// (reading x) and the last (writing x) run on a dense copy of the panel.
void long_strides(float* x, size_t n, size_t block, bool parallel) {
    const size_t rows = n / block;
    const size_t width = std::clamp(panel_floats / rows, size_t(16), block);  // ≥ one cache line
    const long n_panels = long(block / width);
#pragma omp parallel if (parallel)
    {
        // Each thread keeps its panel between calls: no call allocates and zero-fills one.
        thread_local std::vector<float> panel;
        if (panel.size() < rows * width) panel.resize(rows * width);
#pragma omp for schedule(static)
        for (long p = 0; p < n_panels; ++p)
            row_stages(x + p * width, block, x + p * width, block, panel.data(), rows, width);
    }
}

// All stages of n ≤ l2_floats: each L1 block, then the long strides over the blocks.
void l2_transform(float* x, size_t n, bool parallel, const LaneSigns& signs) {
    const long n_blocks = long(n / l1_floats);
#pragma omp parallel for schedule(static) if (parallel)
    for (long b = 0; b < n_blocks; ++b) l1_transform(x + b * l1_floats, l1_floats, signs);
    long_strides(x, n, l1_floats, parallel);
}

}  // namespace

void walsh_hadamard(size_t n, float* x) {
    if (n == 0 || (n & (n - 1)) != 0)  // the message is built only on failure: Fastfood calls
        throw Error("walsh_hadamard: length " + std::to_string(n) + " is not a power of two");
    if (n < lanes) return scalar_transform(n, x);
    static const LaneSigns signs;
    // No parallel region below l2_floats: Fastfood calls short transforms by the hundred. Above
    // it, blocks (and panels) are independent: one share per OpenMP thread, the same operations
    // on every element, so the result does not depend on the thread count.
    if (n <= l1_floats) return l1_transform(x, n, signs);
    if (n <= l2_floats) return l2_transform(x, n, false, signs);
    // Two levels, so that the last pass has at most n / l2_floats rows (256 at 2^24): few pages
    // and whole cache lines per panel, where L1-sized blocks left 2,048 rows of one line each.
    const long n_blocks = long(n / l2_floats);
#pragma omp parallel for schedule(static)
    for (long b = 0; b < n_blocks; ++b) l2_transform(x + b * l2_floats, l2_floats, false, signs);
    long_strides(x, n, l2_floats, true);
}

}  // namespace idim::cpu
