// Cache-blocked Walsh–Hadamard transform (unnormalised, in place) with xsimd. It runs the
// textbook radix-2 butterfly network — the same additions on the same pairs as the reference, so
// the result is bit-identical — in an order that touches memory twice: (1) each 16 KiB block does
// all its stages while in L1 (the strides below one SIMD width inside registers); (2) the
// remaining long strides, one panel of columns (a few cache lines per row) at a time.
#include <string>

#include <xsimd/xsimd.hpp>

#include "cpu/kernels_cpu.h"
#include "idim/error.h"

namespace idim::cpu {
namespace {

using batch = xsimd::batch<float>;
constexpr size_t lanes = batch::size;
constexpr size_t block_floats = size_t(1) << 12;  // 16 KiB: a block's stages stay in L1
constexpr size_t panel_floats = 32;               // pass 2 columns per panel: two cache lines

template <size_t H>
struct PartnerLane {  // lane i exchanges with lane i ^ H
    static constexpr uint32_t get(size_t i, size_t) { return uint32_t(i ^ H); }
};

// One stage with stride H < lanes inside a register. sign is +1 where lane bit H is clear and −1
// where it is set, so fma gives a + b in the lower and a − b in the upper lane of each pair
// (x·±1 is exact: the same rounding as the reference's add and subtract).
template <size_t H>
batch lane_stage(batch x, batch sign) {
    const batch partner =
        xsimd::swizzle(x, xsimd::make_batch_constant<xsimd::batch<uint32_t>, PartnerLane<H>>());
    return xsimd::fma(x, sign, partner);
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

// Stages h, 2h, …, 2^(R−1)·h over x[0, len) (h a multiple of lanes). x is seen as rows of
// row_len floats (row_len ≥ h: contiguous), and only columns [j0, j1) of each row are touched;
// with InRegister, the strides below `lanes` run first.
template <int R, bool InRegister>
void radix_pass(float* x, size_t len, size_t h, size_t row_len, size_t j0, size_t j1,
                const LaneSigns& signs) {
    constexpr int count = 1 << R;
    const size_t row = row_len < h ? row_len : h, j_end = j1 < row ? j1 : row;
    for (size_t i = 0; i < len; i += h * count)
        for (size_t q = i; q < i + h; q += row)
            for (size_t j = q + j0; j < q + j_end; j += lanes) {
                batch v[count];
                for (int t = 0; t < count; ++t) v[t] = batch::load_unaligned(x + j + t * h);
                if constexpr (InRegister)
                    for (int t = 0; t < count; ++t) v[t] = lane_stages(v[t], signs);
                register_butterflies<R>(v);
                for (int t = 0; t < count; ++t) v[t].store_unaligned(x + j + t * h);
            }
}

// Stages h, 2h, … up to (but excluding) stride `end`, three at a time.
void stages(float* x, size_t len, size_t h, size_t end, size_t row_len, size_t j0, size_t j1,
            bool in_register, const LaneSigns& signs) {
    do {
        int r = 0;
        while (r < 3 && (h << r) < end) ++r;
        if (in_register) {
            if (r == 0) radix_pass<0, true>(x, len, h, row_len, j0, j1, signs);
            if (r == 1) radix_pass<1, true>(x, len, h, row_len, j0, j1, signs);
            if (r == 2) radix_pass<2, true>(x, len, h, row_len, j0, j1, signs);
            if (r == 3) radix_pass<3, true>(x, len, h, row_len, j0, j1, signs);
        } else {
            if (r == 1) radix_pass<1, false>(x, len, h, row_len, j0, j1, signs);
            if (r == 2) radix_pass<2, false>(x, len, h, row_len, j0, j1, signs);
            if (r == 3) radix_pass<3, false>(x, len, h, row_len, j0, j1, signs);
        }
        in_register = false;
        h <<= r;
    } while (h < end);
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

}  // namespace

void walsh_hadamard(size_t n, float* x) {
    require(n >= 1 && (n & (n - 1)) == 0,
            "walsh_hadamard: length " + std::to_string(n) + " is not a power of two");
    if (n < lanes) return scalar_transform(n, x);
    static const LaneSigns signs;
    const size_t block = n < block_floats ? n : block_floats;
    for (size_t start = 0; start < n; start += block)  // pass 1: strides 1 … block/2
        stages(x + start, block, lanes, block, block, 0, block, true, signs);
    if (block == n) return;
    for (size_t j0 = 0; j0 < block; j0 += panel_floats)  // pass 2: strides block … n/2
        stages(x, n, block, n, block, j0, j0 + panel_floats, false, signs);
}

}  // namespace idim::cpu
