// The threaded cpu gemm cuts C into column or row panels, one per thread, or a small C's depth:
// every transpose, each cut, padded strides and each kind of beta must match the reference, and
// the padding between rows of C must stay untouched.
#include <gtest/gtest.h>

#include <cmath>

#include "backend_ops_helpers.h"
#include "backends/cpu/kernels_cpu.h"

namespace idim::testing {
namespace {

void check_panels(Transpose ta, Transpose tb, int m, int n, int k, float beta, unsigned seed) {
    const bool at = ta == Transpose::yes, bt = tb == Transpose::yes;
    const int lda = (at ? m : k) + 3, ldb = (bt ? k : n) + 1, ldc = n + 5;
    auto a = random_vector(size_t(at ? k : m) * lda, seed);
    auto b = random_vector(size_t(bt ? n : k) * ldb, seed + 1);
    auto c0 = random_vector(size_t(m) * ldc, seed + 2);
    auto got = c0, want = c0;
    fast().set_threads(2);
    fast().gemm(ta, tb, m, n, k, 0.5f, a.data(), lda, b.data(), ldb, beta, got.data(), ldc);
    fast().set_threads(1);
    ref().gemm(ta, tb, m, n, k, 0.5f, a.data(), lda, b.data(), ldb, beta, want.data(), ldc);
    std::vector<float> abs_a(a.size()), abs_b(b.size()), abs_ab(size_t(m) * ldc, 0.0f);
    for (size_t i = 0; i < a.size(); ++i) abs_a[i] = std::abs(a[i]);
    for (size_t i = 0; i < b.size(); ++i) abs_b[i] = std::abs(b[i]);
    ref().gemm(ta, tb, m, n, k, 1.0f, abs_a.data(), lda, abs_b.data(), ldb, 0.0f, abs_ab.data(), ldc);
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < ldc; ++j) {
            const size_t at_ij = size_t(i) * ldc + j;
            if (j >= n) {  // padding: untouched, bit for bit
                ASSERT_EQ(got[at_ij], c0[at_ij]) << "padding at " << i << "," << j;
                continue;
            }
            // Both sides round k products and sums in some order: |error| ≤ 2(k+1)u·Σ|a||b|·α
            // plus the rounding of β·c and of the result.
            const double bound = 2 * (k + 1) * unit_roundoff * 0.5 * abs_ab[at_ij] +
                                 2 * unit_roundoff * std::abs(beta * c0[at_ij]) +
                                 unit_roundoff * std::abs(want[at_ij]);
            ASSERT_LE(std::abs(double(got[at_ij]) - want[at_ij]), bound)
                << "ta=" << at << " tb=" << bt << " m=" << m << " n=" << n << " at " << i << "," << j;
        }
}

TEST(GemmPanels, TwoThreadsMatchReferenceForEveryTransposeAndCut) {
    // The evener cut wins (columns for the first, rows for the second; 100 and 201 are not
    // multiples of a SIMD vector), a tie goes to rows (128 × 784), FC's forward product
    // 128 × 200 is cut into rows of 64, and a small C over a long depth shares out the depth
    // (unevenly for 13,401; the second is a convolution kernel gradient's shape, shorter).
    const int shapes[][3] = {{100, 201, 150}, {201, 100, 150}, {128, 784, 200}, {784, 200, 128},
                             {128, 200, 784}, {25, 6, 13401}, {40, 50, 2049}};
    unsigned seed = 1;
    for (auto [m, n, k] : shapes)
        for (Transpose ta : {Transpose::no, Transpose::yes})
            for (Transpose tb : {Transpose::no, Transpose::yes})
                for (float beta : {0.0f, 1.0f, -0.5f}) check_panels(ta, tb, m, n, k, beta, seed += 3);
}

// The cut leaves the busiest thread the smaller share: rows of a matrix-vector product (the dense
// projection's; its single column cannot be shared), rows of FC's 128 × 200 forward product
// (64 + 64, where columns would be 104 + 96), columns of a wide product.
TEST(GemmPanels, CutIsTheEvenerSide) {
    EXPECT_FALSE(cpu::gemm_cuts_columns(199210, 1, 2));
    EXPECT_FALSE(cpu::gemm_cuts_columns(750, 1, 2));
    EXPECT_FALSE(cpu::gemm_cuts_columns(128, 200, 2));
    EXPECT_TRUE(cpu::gemm_cuts_columns(1, 5000, 2));
    EXPECT_TRUE(cpu::gemm_cuts_columns(100, 201, 2));
    EXPECT_FALSE(cpu::gemm_cuts_columns(128, 784, 2));  // 64 + 64 either way: rows
    EXPECT_FALSE(cpu::gemm_cuts_columns(200, 200, 2));
}

}  // namespace
}  // namespace idim::testing
