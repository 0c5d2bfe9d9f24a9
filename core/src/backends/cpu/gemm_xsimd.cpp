// A packed xsimd matrix product: the WebAssembly build's, where Eigen must be compiled scalar
// (EIGEN_DONT_VECTORIZE) and ran the training products at about a third of SIMD128's rate, and
// natively the one for products with long sides (gemm_eigen.cpp picks), where Eigen's float
// kernel reaches 64–68% of an AVX2 core's FMA rate and this one 76–90% (measured on a Zen 3).
// The classic layout: op(A) and op(B) are copied into panels of MR rows and NR columns, k-major,
// so the micro-kernel streams both from contiguous memory and keeps an MR × NR tile of C in
// registers; panels whose stored layout already serves the kernel (short row strides, full
// tiles) are read in place, as small-matrix kernels do. NR is two vectors; MR = 6 with AVX2 (12
// accumulators, a B pair and a broadcast fill the 16 ymm registers: 4 rows measured 55 GFLOP/s
// against 78), 4 on SIMD128, which has no FMA and needs a temporary for each product. AVX-512
// keeps MR = 6 (12 rows, 24 of its 32 registers, measured no better on a Zen 4: a batch shard's
// 64 rows are not a multiple of 12).
#include <algorithm>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "backends/cpu/kernels_cpu.h"
#include "backends/cpu/simd_fma.h"

namespace idim::cpu {
namespace {

using batch = xsimd::batch<float>;
constexpr int lanes = int(batch::size);
constexpr int MR = lanes >= 8 ? 6 : 4, NR = 2 * lanes;
constexpr int KC = 256;      // a packed B panel (KC × NR floats) stays in L1 across MR-row tiles
constexpr int MC = 16 * MR;  // a packed A block (MC × KC floats, ≤ 96 KiB) stays in L2
constexpr int NC = 256;      // so does a packed B block (KC × NC floats, 256 KiB)

struct Operand {  // op(X)(i, p) of a row-major X with row stride ld, transposed or not
    const float* x;
    int ld;
    bool transposed;
};

// op(X)(i0 .. i0+width, p0 .. p0+kc) as kc groups of `width` values (`valid` of them from X, the
// rest zero). Each loop runs along X's stored rows, so the reads are contiguous either way.
#if XSIMD_WITH_AVX512F
// The 16 × 16 floats at x (row stride ld) transposed into out (row stride width), in registers:
// unpack pairs of rows, then shuffle 2-float, then 4-float, then 8-float blocks.
void transpose16(const float* x, size_t ld, float* out, size_t width) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(x + i * ld);
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; ++i) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xDD);
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xDD);
    }
    for (int i = 0; i < 8; ++i) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
    }
    for (int i = 0; i < 16; ++i) _mm512_storeu_ps(out + i * width, r[i]);
}
#endif

template <int width>
void pack(const Operand& x, int valid, int i0, int p0, int kc, float* out) {
    if (valid < width) std::fill(out, out + size_t(kc) * width, 0.0f);
    if (x.transposed) {  // op(X)(i, p) = x[p·ld + i]: a group is a stored row's stretch
        for (int p = 0; p < kc; ++p) {
            const float* row = x.x + size_t(p0 + p) * x.ld + i0;
            std::copy(row, row + valid, out + size_t(p) * width);
        }
        return;
    }
    // op(X)(i, p) = x[i·ld + p]: a stored row fills one lane of every group. With AVX-512, blocks
    // of 16 rows × 16 depths are transposed in registers: one float per store made FC's
    // dx = dy·Wᵀ (a transposed B packed) 20% slower than the untransposed products.
    int r = 0, p_done = 0;
#if XSIMD_WITH_AVX512F
    if constexpr (width % 16 == 0) {
        p_done = kc / 16 * 16;
        for (; r + 16 <= valid; r += 16)
            for (int p = 0; p < p_done; p += 16)
                transpose16(x.x + size_t(i0 + r) * x.ld + p0 + p, size_t(x.ld),
                            out + size_t(p) * width + r, width);
    }
#endif
    // What the blocks left: the depths past p_done of their rows, every depth of the rows past r.
    for (int row = 0; row < valid; ++row) {
        const float* stored = x.x + size_t(i0 + row) * x.ld + p0;
        for (int p = row < r ? p_done : 0; p < kc; ++p) out[size_t(p) * width + row] = stored[p];
    }
}

// A stored row stride a panel can be read through in place: short enough for the panel's rows to
// stay in L1 and L2, and not a multiple of 512 bytes, whose rows would all fall in a few cache
// sets (1024³'s 4 KiB stride stays packed).
bool readable_in_place(int ld) { return ld <= 1024 && (size_t(ld) * sizeof(float)) % 512 != 0; }

// Where a panel's values sit: element (i, p) — row i of A's MR, or column i of B's NR, at depth
// p — at at[i·step + p·depth_step]. Packed panels have step 1; a panel read in place (below) the
// stored row stride of its matrix as depth_step (B) or step (A).
struct Panel {
    const float* at;
    size_t step, depth_step;
};

// op(A)(i0 .. i0+MR, p0 .. p0+kc): in place when all MR rows exist and the stride allows, else
// packed as kc groups of MR values into `space`, rows past m zero. The training shapes' panels
// read in place against packed (1 thread): 64 × 200 × 784 238 against 274 µs, 64 × 200 × 200 59
// against 70 µs, 784 × 200 × 64 (Aᵀ) 260 against 274 µs.
Panel a_panel(const Operand& a, int m, int i0, int p0, int kc, float* space) {
    if (i0 + MR <= m && readable_in_place(a.ld))
        return a.transposed ? Panel{a.x + size_t(p0) * a.ld + i0, 1, size_t(a.ld)}
                            : Panel{a.x + size_t(i0) * a.ld + p0, size_t(a.ld), 1};
    pack<MR>(a, std::min(MR, m - i0), i0, p0, kc, space);
    return {space, 1, size_t(MR)};
}

// op(B)(p0 .. p0+kc, j0 .. j0+NR): in place when B is stored untransposed (NR columns contiguous
// at each depth) and all NR columns exist, else packed as kc rows of NR values, columns past n zero.
// op(B)(p, j) is op(Bᵀ)(j, p): Bᵀ's transposition is the opposite of B's.
Panel b_panel(const Operand& b, int n, int j0, int p0, int kc, float* space) {
    if (!b.transposed && j0 + NR <= n && readable_in_place(b.ld))
        return {b.x + size_t(p0) * b.ld + j0, 1, size_t(b.ld)};
    pack<NR>(Operand{b.x, b.ld, !b.transposed}, std::min(NR, n - j0), j0, p0, kc, space);
    return {space, 1, size_t(NR)};
}

// tile(MR × NV vectors) = A panel · B panel over kc (B's columns contiguous at each depth). A
// packed A panel's layout is a template argument: read through runtime strides it made 1024³ 3%
// slower. NV = 1 serves a last tile of at most one vector of columns: with AVX-512's 32-column
// tiles, FC's 200 columns are six full tiles and 8 columns, which a two-vector kernel computes as
// 32 (224 columns of work for 200).
template <bool a_packed, int NV>
void micro_kernel(int kc, Panel a, Panel b, float* tile) {
    batch acc[MR][NV];
    for (auto& row : acc)
        for (auto& v : row) v = batch(0.0f);
    const size_t step = a_packed ? 1 : a.step, depth_step = a_packed ? MR : a.depth_step;
    const float* bp = b.at;
    for (int p = 0; p < kc; ++p, bp += b.depth_step) {
        batch bv[NV];
        for (int v = 0; v < NV; ++v) bv[v] = batch::load_unaligned(bp + v * lanes);
        const float* ap = a.at + size_t(p) * depth_step;
        for (int r = 0; r < MR; ++r) {
            const batch ar(ap[r * step]);
            for (int v = 0; v < NV; ++v) acc[r][v] = fused_multiply_add(ar, bv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < MR; ++r)
        for (int v = 0; v < NV; ++v) acc[r][v].store_aligned(tile + r * NR + v * lanes);
}

void micro_kernel(int kc, Panel a, Panel b, int cols, float* tile) {
    const bool a_packed = a.step == 1 && a.depth_step == MR;
    if (cols <= lanes)
        return a_packed ? micro_kernel<true, 1>(kc, a, b, tile)
                        : micro_kernel<false, 1>(kc, a, b, tile);
    a_packed ? micro_kernel<true, 2>(kc, a, b, tile) : micro_kernel<false, 2>(kc, a, b, tile);
}

// c = beta·c, reading no c when beta = 0 (BLAS: a NaN already in c must not survive 0·c).
void scale_c(int m, int n, float beta, float* c, int ldc) {
    if (beta == 1.0f) return;
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) c[size_t(i) * ldc + j] = beta == 0.0f ? 0.0f : beta * c[size_t(i) * ldc + j];
}

// c(rows × cols) = alpha·tile (overwrite) or c += alpha·tile, the part of the MR × NR tile
// inside C. Overwriting the first depth block of a β = 0 product spares C a zeroing pass and a
// read: FC's dW = xᵀ·dy on a 64-sample shard (depth 64, one block) writes 627 KB of C.
// Whole vectors of a row go through SIMD, the rest one by one (scalar, FC's products on one
// thread ran 2–8% slower: a tile's 192 floats are written after every depth block).
void put_tile(const float* tile, float alpha, int rows, int cols, bool overwrite, float* c,
              int ldc) {
    const batch valpha(alpha);
    for (int r = 0; r < rows; ++r) {
        const float* from = tile + r * NR;
        float* out = c + size_t(r) * ldc;
        int col = 0;
        for (; col + lanes <= cols; col += lanes) {
            const batch scaled = valpha * batch::load_aligned(from + col);
            (overwrite ? scaled : batch::load_unaligned(out + col) + scaled)
                .store_unaligned(out + col);
        }
        for (; col < cols; ++col)
            out[col] = overwrite ? alpha * from[col] : out[col] + alpha * from[col];
    }
}

}  // namespace

void gemm_packed(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha,
                 const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
    if (k == 0 || alpha == 0.0f) return scale_c(m, n, beta, c, ldc);
    if (beta != 0.0f) scale_c(m, n, beta, c, ldc);
    const Operand op_a{a, lda, trans_a == Transpose::yes}, op_b{b, ldb, trans_b == Transpose::yes};
    // Per thread and kept: glibc would map and unmap (page faults included) panels this large on
    // every call.
    thread_local std::vector<float, xsimd::aligned_allocator<float>> packed_b, packed_a, tile;
    packed_b.resize(size_t(NC) * KC);
    packed_a.resize(size_t(MC) * KC);
    tile.resize(size_t(MR) * NR);
    // GotoBLAS's loop order: a block of B (KC deep, NC wide) stays in L2 while every block of A
    // passes by it; without the NC cut, 1024³ packed 1 MB of B per slice and ran 73 GFLOP/s.
    Panel b_panels[NC / NR], a_panels[MC / MR];
    for (int j0 = 0; j0 < n; j0 += NC) {
        const int col_tiles = (std::min(NC, n - j0) + NR - 1) / NR;
        for (int p0 = 0; p0 < k; p0 += KC) {
            const int kc = std::min(KC, k - p0);
            for (int u = 0; u < col_tiles; ++u)
                b_panels[u] = b_panel(op_b, n, j0 + u * NR, p0, kc,
                                      packed_b.data() + size_t(u) * NR * kc);
            for (int ib = 0; ib < m; ib += MC) {
                const int row_tiles = (std::min(MC, m - ib) + MR - 1) / MR;
                for (int t = 0; t < row_tiles; ++t)
                    a_panels[t] = a_panel(op_a, m, ib + t * MR, p0, kc,
                                          packed_a.data() + size_t(t) * MR * kc);
                for (int u = 0; u < col_tiles; ++u)
                    for (int t = 0; t < row_tiles; ++t) {
                        const int i = ib + t * MR, j = j0 + u * NR;
                        const int cols = std::min(NR, n - j);
                        micro_kernel(kc, a_panels[t], b_panels[u], cols, tile.data());
                        put_tile(tile.data(), alpha, std::min(MR, m - i), cols,
                                 beta == 0.0f && p0 == 0, c + size_t(i) * ldc + j, ldc);
                    }
            }
        }
    }
}

}  // namespace idim::cpu
