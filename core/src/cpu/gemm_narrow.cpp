// Products with at most two vectors of columns and a row-major op(A): a one-channel convolution's
// 6 filters (73,728 × 6 × 25 in LeNet, where Eigen reached 22 GFLOP/s), the second convolution's
// 16, a 10-class output layer. Packing for the 6 × 16 tiles of gemm_xsimd.cpp would waste most of
// each tile; here op(B) is padded once to k rows of NV vectors, and a block of R rows of C keeps
// its R × NV accumulators in registers while op(A)'s values are broadcast one by one, in k order.
#include <algorithm>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "cpu/kernels_cpu.h"

namespace idim::cpu {
namespace {

using batch = xsimd::batch<float>;
constexpr int lanes = int(batch::size);

// R rows of C from R rows of A (lda apart) and the padded op(B) (k rows of NV vectors).
template <int NV, int R>
void narrow_block(int n, int k, float alpha, const float* a, int lda, const float* b_padded,
                  float beta, float* c, int ldc) {
    batch acc[R][NV];
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < NV; ++v) acc[r][v] = batch(0.0f);
    for (int p = 0; p < k; ++p) {
        batch b[NV];
        for (int v = 0; v < NV; ++v) b[v] = batch::load_aligned(b_padded + (size_t(p) * NV + v) * lanes);
        for (int r = 0; r < R; ++r) {
            const batch a_rp(a[size_t(r) * lda + p]);
            for (int v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(a_rp, b[v], acc[r][v]);
        }
    }
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

// Rows of R = 8 (one vector) or 6 (two: 12 accumulators, 2 of B and a broadcast in AVX2's 16
// registers), then the rest one at a time.
template <int NV>
void narrow_rows(int m, int n, int k, float alpha, const float* a, int lda, const float* b_padded,
                 float beta, float* c, int ldc) {
    constexpr int R = NV == 1 ? 8 : 6;
    int i = 0;
    for (; i + R <= m; i += R)
        narrow_block<NV, R>(n, k, alpha, a + size_t(i) * lda, lda, b_padded, beta,
                            c + size_t(i) * ldc, ldc);
    for (; i < m; ++i)
        narrow_block<NV, 1>(n, k, alpha, a + size_t(i) * lda, lda, b_padded, beta,
                            c + size_t(i) * ldc, ldc);
}

}  // namespace

bool narrow_fits(Transpose trans_a, int m, int n, int k) {
    return trans_a == Transpose::no && n <= 2 * lanes && m >= 8 && k >= 1;
}

void gemm_narrow(Transpose trans_b, int m, int n, int k, float alpha, const float* a, int lda,
                 const float* b, int ldb, float beta, float* c, int ldc) {
    const int vectors = n <= lanes ? 1 : 2;
    thread_local std::vector<float, xsimd::aligned_allocator<float, 64>> b_padded;
    b_padded.assign(size_t(k) * vectors * lanes, 0.0f);
    for (int p = 0; p < k; ++p)
        for (int j = 0; j < n; ++j)
            b_padded[size_t(p) * vectors * lanes + j] =
                trans_b == Transpose::yes ? b[size_t(j) * ldb + p] : b[size_t(p) * ldb + j];
    if (vectors == 1)
        narrow_rows<1>(m, n, k, alpha, a, lda, b_padded.data(), beta, c, ldc);
    else
        narrow_rows<2>(m, n, k, alpha, a, lda, b_padded.data(), beta, c, ldc);
}

}  // namespace idim::cpu
