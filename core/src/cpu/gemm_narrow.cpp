// Products whose C has at most two vectors of columns: a one-channel convolution's 6 filters
// (73,728 × 6 × 25 in LeNet, where Eigen reached 22 GFLOP/s) and their gradient (25 × 6 summed
// over 73,728 positions), the second convolution's 16, a 10-class output layer. Packing for the
// 6 × 16 tiles of gemm_xsimd.cpp would waste most of each tile; here op(B) is padded once to k
// rows of NV vectors, and a block of R rows of C keeps its R × NV accumulators in registers while
// op(A)'s values are broadcast one by one, in k order.
#include <algorithm>

#include <xsimd/xsimd.hpp>

#include "cpu/kernels_cpu.h"
#include "cpu/simd_fma.h"
#include "idim/aligned_floats.h"

namespace idim::cpu {
namespace {

using batch = xsimd::batch<float>;
#if XSIMD_WITH_AVX512F
using short_batch = xsimd::batch<float, xsimd::avx2>;
#else
using short_batch = batch;
#endif
constexpr int KC = 256;  // a long depth goes in chunks: their rows of A and B stay in L1

struct NarrowA {  // op(A)(i, p) = a[i·row_step + p·depth_step]
    const float* a;
    size_t row_step, depth_step;
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
    // += op(A)(i0 .. i0+R, p) · op(B)(p, :) for p in [p0, p1)
    void accumulate(const NarrowA& a, int i0, int p0, int p1, const float* b_padded) {
        for (int p = p0; p < p1; ++p) {
            B b[NV];
            for (int v = 0; v < NV; ++v)
                b[v] = B::load_aligned(b_padded + (size_t(p) * NV + v) * lanes);
            const float* a_p = a.a + size_t(p) * a.depth_step + size_t(i0) * a.row_step;
            for (int r = 0; r < R; ++r) {
                const B a_rp(a_p[r * a.row_step]);
                for (int v = 0; v < NV; ++v) acc[r][v] = fused_multiply_add(a_rp, b[v], acc[r][v]);
            }
        }
    }
    // C's rows i0 .. i0+R (n columns) = alpha·tile + beta·C
    void write(int n, float alpha, float beta, float* c, int ldc) const {
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
};

// f(i0, tile) over C's rows in blocks of R (8 with one vector; 6 with two: 12 accumulators, two
// of B and a broadcast in AVX2's 16 registers), the last rows one at a time.
template <class B, int NV, class F>
void over_row_blocks(int m, F f) {
    constexpr int R = NV == 1 ? 8 : 6;
    int i = 0;
    for (; i + R <= m; i += R) f(i, Tile<B, NV, R>{});
    for (; i < m; ++i) f(i, Tile<B, NV, 1>{});
}

template <class B, int NV>
void narrow_product(int m, int n, int k, float alpha, const NarrowA& a, const float* b_padded,
                    float beta, float* c, int ldc) {
    if (k <= KC) {  // one chunk: straight into C
        over_row_blocks<B, NV>(m, [&](int i0, auto tile) {
            tile.zero();
            tile.accumulate(a, i0, 0, k, b_padded);
            tile.write(n, alpha, beta, c + size_t(i0) * ldc, ldc);
        });
        return;
    }
    // Chunk by chunk of the depth, every block's sums parked in `sums` between chunks.
    constexpr size_t block_floats = size_t(NV) * B::size;
    thread_local AlignedFloats sums;
    sums.assign(size_t(m) * block_floats, 0.0f);
    for (int p0 = 0; p0 < k; p0 += KC)
        over_row_blocks<B, NV>(m, [&](int i0, auto tile) {
            float* parked = sums.data() + size_t(i0) * block_floats;
            tile.load(parked);
            tile.accumulate(a, i0, p0, std::min(k, p0 + KC), b_padded);
            tile.store(parked);
        });
    over_row_blocks<B, NV>(m, [&](int i0, auto tile) {
        tile.load(sums.data() + size_t(i0) * block_floats);
        tile.write(n, alpha, beta, c + size_t(i0) * ldc, ldc);
    });
}

// op(B) padded to k rows of NV vectors of B, then the product.
template <class B, int NV>
void padded_product(Transpose trans_b, int m, int n, int k, float alpha, const NarrowA& a,
                    const float* b, int ldb, float beta, float* c, int ldc) {
    constexpr size_t row_floats = size_t(NV) * B::size;
    thread_local AlignedFloats b_padded;
    b_padded.assign(size_t(k) * row_floats, 0.0f);
    for (int p = 0; p < k; ++p)
        for (int j = 0; j < n; ++j)
            b_padded[size_t(p) * row_floats + j] =
                trans_b == Transpose::yes ? b[size_t(j) * ldb + p] : b[size_t(p) * ldb + j];
    narrow_product<B, NV>(m, n, k, alpha, a, b_padded.data(), beta, c, ldc);
}

}  // namespace

// From half a short vector of columns up: below that (a matrix-vector product, n = 1) most lanes
// would idle, where Eigen's product runs along the long side (the dense projection's P·x and
// Pᵀ·g: through this kernel their step took 120 ms instead of 40).
bool narrow_fits(int m, int n, int k) {
    return n >= int(short_batch::size) / 2 && n <= 2 * int(batch::size) && m >= 8 && k >= 1;
}

void gemm_narrow(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha,
                 const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
    const NarrowA op_a = trans_a == Transpose::yes ? NarrowA{a, 1, size_t(lda)}
                                                   : NarrowA{a, size_t(lda), 1};
    if (n <= int(short_batch::size))
        padded_product<short_batch, 1>(trans_b, m, n, k, alpha, op_a, b, ldb, beta, c, ldc);
    else if (n <= int(batch::size))
        padded_product<batch, 1>(trans_b, m, n, k, alpha, op_a, b, ldb, beta, c, ldc);
    else
        padded_product<batch, 2>(trans_b, m, n, k, alpha, op_a, b, ldb, beta, c, ldc);
}

}  // namespace idim::cpu
