// The register tile of products whose C has at most two vectors of columns (gemm_narrow.cpp) and
// of convolutions with at most two vectors of filters (conv_direct.cpp): a block of R rows of C
// keeps its R × NV accumulators in registers while op(B), padded to NV vectors per depth, is
// loaded a row at a time and op(A)'s values are broadcast one by one, in depth order. Where op(A)'s
// values sit is the accessor's business: a strided matrix, or an image's windows read in place.
#pragma once
#include <algorithm>

#include <xsimd/xsimd.hpp>

#include "backends/cpu/simd_fma.h"

namespace idim::cpu::narrow {

using batch = xsimd::batch<float>;
// Under AVX-512, C of at most 8 columns uses 256-bit vectors: 6 filters fill 6 of their 8 lanes
// instead of 6 of 16, and two 256-bit FMAs issue per cycle where one 512-bit one does.
#if XSIMD_WITH_AVX512F
using short_batch = xsimd::batch<float, xsimd::avx2>;
#else
using short_batch = batch;
#endif

// An accessor A gives op(A)(i, p) as A.at(A.depth(p), i): depth(p) once per depth, then one value
// per row. This one: op(A)(i, p) = a[i·row_step + p·depth_step].
struct StridedA {
    const float* a;
    size_t row_step, depth_step;
    const float* depth(int p) const { return a + size_t(p) * depth_step; }
    float at(const float* depth_p, int i) const { return depth_p[size_t(i) * row_step]; }
};

template <class B, int NV, int R>
struct Tile {
    static constexpr int lanes = int(B::size);
    B acc[R][NV];
    void zero() {
        for (auto& row : acc)
            for (B& v : row) v = B(0.0f);
    }
    void load(const float* from) {
        for (int r = 0; r < R; ++r)
            for (int v = 0; v < NV; ++v) acc[r][v] = B::load_aligned(from + (r * NV + v) * lanes);
    }
    void store(float* to) const {
        for (int r = 0; r < R; ++r)
            for (int v = 0; v < NV; ++v) acc[r][v].store_aligned(to + (r * NV + v) * lanes);
    }
    // += op(A)(i0 .. i0+R, p) · op(B)(p, :) for p in [p0, p1). Always inlined: where GCC kept
    // a call, the accumulators lived on the stack, one store and reload per FMA (the
    // convolution's kernel gradient ran at 40 GFLOP/s instead of 100).
    template <class A>
    [[gnu::always_inline]] void accumulate(const A& a, int i0, int p0, int p1, const float* b_padded) {
        for (int p = p0; p < p1; ++p) {
            B b[NV];
            for (int v = 0; v < NV; ++v)
                b[v] = B::load_aligned(b_padded + (size_t(p) * NV + v) * lanes);
            const float* a_p = a.depth(p);
            for (int r = 0; r < R; ++r) {
                const B a_rp(a.at(a_p, i0 + r));
                for (int v = 0; v < NV; ++v) acc[r][v] = fused_multiply_add(a_rp, b[v], acc[r][v]);
            }
        }
    }
    // C's rows i0 .. i0+R (n columns) = alpha·tile + beta·C
    void write(int n, float alpha, float beta, float* c, int ldc) const {
#if XSIMD_WITH_AVX512F && defined(__AVX512VL__)
        if (beta == 0.0f) return write_masked(n, alpha, c, ldc);
#endif
        alignas(64) float row[NV * lanes];
        for (int r = 0; r < R; ++r) {
            for (int v = 0; v < NV; ++v) acc[r][v].store_aligned(row + v * lanes);
            float* c_row = c + size_t(r) * ldc;
            if (beta == 0.0f)  // C is output only: its old contents (maybe NaN) must not leak in
                for (int j = 0; j < n; ++j) c_row[j] = alpha * row[j];
            else
                for (int j = 0; j < n; ++j) c_row[j] = alpha * row[j] + beta * c_row[j];
        }
    }

#if XSIMD_WITH_AVX512F && defined(__AVX512VL__)
    // C = alpha·tile in masked stores, n columns of each row: row by row in scalar stores, a
    // 6-filter convolution's outputs took a third of its forward time.
    void write_masked(int n, float alpha, float* c, int ldc) const {
        for (int r = 0; r < R; ++r)
            for (int v = 0; v < NV && v * lanes < n; ++v) {
                const int columns = std::min(lanes, n - v * lanes);
                const B value = B(alpha) * acc[r][v];
                float* to = c + size_t(r) * ldc + v * lanes;
                if constexpr (lanes == 16)
                    _mm512_mask_storeu_ps(to, __mmask16((1u << columns) - 1), value);
                else
                    _mm256_mask_storeu_ps(to, __mmask8((1u << columns) - 1), value);
            }
    }
#endif
};

// f.template operator()<B, NV>() for C of n ≤ 2·batch::size columns: NV vectors of B, the fewest
// and, up to 8 columns under AVX-512, the narrowest.
template <class F>
void by_width(int n, F f) {
    if (n <= int(short_batch::size)) return f.template operator()<short_batch, 1>();
    if (n <= int(batch::size)) return f.template operator()<batch, 1>();
    f.template operator()<batch, 2>();
}

// f(i, tile of T rows) for the T < R rows left at i, T known at compile time.
template <class B, int NV, int T, class F>
void last_rows(int i, int rows, F& f) {
    if constexpr (T >= 1) {
        if (rows == T) return f(i, Tile<B, NV, T>{});
        last_rows<B, NV, T - 1>(i, rows, f);
    }
}

// f(i0, tile) over rows [begin, end) in blocks of R (8 with one vector; 6 with two: 12
// accumulators, two of B and a broadcast in AVX2's 16 registers), then one block of the rest:
// one row alone would wait on each FMA's latency (LeNet's 150 taps are 18 blocks and 6 rows).
template <class B, int NV, class F>
void over_row_blocks(int begin, int end, F f) {
    constexpr int R = NV == 1 ? 8 : 6;
    int i = begin;
    for (; i + R <= end; i += R) f(i, Tile<B, NV, R>{});
    last_rows<B, NV, R - 1>(i, end - i, f);
}

}  // namespace idim::cpu::narrow
