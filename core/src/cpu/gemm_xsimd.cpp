// A packed xsimd matrix product for the WebAssembly build, where Eigen must be compiled scalar
// (EIGEN_DONT_VECTORIZE) and ran the training products at about a third of SIMD128's rate.
// The classic layout: op(A) and op(B) are copied into panels of MR rows and NR columns, k-major,
// so the micro-kernel streams both from contiguous memory and keeps an MR × NR tile of C in
// registers (MR = 4 rows, NR = two vectors: 8 accumulators, as many as SIMD128 code keeps in
// x86's 16 vector registers). Natively it is tested against the reference; Eigen stays faster.
#include <algorithm>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "cpu/kernels_cpu.h"

namespace idim::cpu {
namespace {

using batch = xsimd::batch<float>;
constexpr int lanes = int(batch::size);
constexpr int MR = 4, NR = 2 * lanes;
constexpr int KC = 256;   // a packed B panel (KC × NR floats) stays in L1 across MR-row tiles
constexpr int MC = 64;    // a packed A block (MC × KC floats, 64 KiB) stays in L2 across B panels

struct Operand {  // op(X)(i, p) of a row-major X with row stride ld, transposed or not
    const float* x;
    int ld;
    bool transposed;
    float at(int i, int p) const { return transposed ? x[size_t(p) * ld + i] : x[size_t(i) * ld + p]; }
};

// op(A)(i0 .. i0+MR, p0 .. p0+kc) as kc groups of MR values; rows past m are zero.
void pack_a(const Operand& a, int m, int i0, int p0, int kc, float* out) {
    for (int p = 0; p < kc; ++p)
        for (int r = 0; r < MR; ++r) *out++ = i0 + r < m ? a.at(i0 + r, p0 + p) : 0.0f;
}

// op(B)(p0 .. p0+kc, j0 .. j0+NR) as kc rows of NR values; columns past n are zero.
void pack_b(const Operand& b, int n, int j0, int p0, int kc, float* out) {
    for (int p = 0; p < kc; ++p)
        for (int c = 0; c < NR; ++c) *out++ = j0 + c < n ? b.at(p0 + p, j0 + c) : 0.0f;
}

// tile(MR × NR) = packed A panel · packed B panel over kc.
void micro_kernel(int kc, const float* a, const float* b, float* tile) {
    batch acc[MR][2];
    for (auto& row : acc) row[0] = row[1] = batch(0.0f);
    for (int p = 0; p < kc; ++p, a += MR, b += NR) {
        const batch b0 = batch::load_aligned(b), b1 = batch::load_aligned(b + lanes);
        for (int r = 0; r < MR; ++r) {
            const batch ar(a[r]);
            acc[r][0] = xsimd::fma(ar, b0, acc[r][0]);
            acc[r][1] = xsimd::fma(ar, b1, acc[r][1]);
        }
    }
    for (int r = 0; r < MR; ++r) {
        acc[r][0].store_aligned(tile + r * NR);
        acc[r][1].store_aligned(tile + r * NR + lanes);
    }
}

// c = beta·c, reading no c when beta = 0 (BLAS: a NaN already in c must not survive 0·c).
void scale_c(int m, int n, float beta, float* c, int ldc) {
    if (beta == 1.0f) return;
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) c[size_t(i) * ldc + j] = beta == 0.0f ? 0.0f : beta * c[size_t(i) * ldc + j];
}

// c(rows × cols) += alpha·tile, the part of the MR × NR tile inside C.
void add_tile(const float* tile, float alpha, int rows, int cols, float* c, int ldc) {
    for (int r = 0; r < rows; ++r)
        for (int col = 0; col < cols; ++col) c[size_t(r) * ldc + col] += alpha * tile[r * NR + col];
}

}  // namespace

void gemm_packed(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha,
                 const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
    scale_c(m, n, beta, c, ldc);
    if (k == 0 || alpha == 0.0f) return;
    const Operand op_a{a, lda, trans_a == Transpose::yes}, op_b{b, ldb, trans_b == Transpose::yes};
    const int col_tiles = (n + NR - 1) / NR;
    std::vector<float, xsimd::aligned_allocator<float>> packed_b(size_t(col_tiles) * NR * KC),
        packed_a(size_t(MC) * KC), tile(size_t(MR) * NR);
    for (int p0 = 0; p0 < k; p0 += KC) {
        const int kc = std::min(KC, k - p0);
        for (int u = 0; u < col_tiles; ++u) pack_b(op_b, n, u * NR, p0, kc, packed_b.data() + size_t(u) * NR * kc);
        for (int ib = 0; ib < m; ib += MC) {
            const int row_tiles = (std::min(MC, m - ib) + MR - 1) / MR;
            for (int t = 0; t < row_tiles; ++t)
                pack_a(op_a, m, ib + t * MR, p0, kc, packed_a.data() + size_t(t) * MR * kc);
            for (int u = 0; u < col_tiles; ++u)
                for (int t = 0; t < row_tiles; ++t) {
                    micro_kernel(kc, packed_a.data() + size_t(t) * MR * kc,
                                 packed_b.data() + size_t(u) * NR * kc, tile.data());
                    add_tile(tile.data(), alpha, std::min(MR, m - ib - t * MR), std::min(NR, n - u * NR),
                             c + size_t(ib + t * MR) * ldc + u * NR, ldc);
                }
        }
    }
}

}  // namespace idim::cpu
