// Every op of the "cpu" backend against the "reference" oracle on random inputs (ggml's
// test-backend-ops): awkward tail sizes, all gemm transposes with padded strides and beta ≠ 0.
// Where the fast kernel performs the same float operations in the same order, results must match
// bit for bit; elsewhere the tolerance beside each assertion comes from a rounding-error bound.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "backend_ops_helpers.h"
#include "backends/cpu/kernels_cpu.h"
#include "aligned_floats.h"
#include "idim/error.h"

using namespace idim;
using namespace idim::testing;

namespace {

struct GemmCase {
    int m, n, k;
};

using GemmFunction = void (*)(Transpose, Transpose, int, int, int, float, const float*, int,
                              const float*, int, float, float*, int);
void cpu_backend_gemm(Transpose ta, Transpose tb, int m, int n, int k, float alpha, const float* a,
                      int lda, const float* b, int ldb, float beta, float* c, int ldc) {
    fast().gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// One gemm on both backends; the bound is the classic worst case for a float dot product of
// length k, |Δc| ≤ 2k·u·|α|·(|A|·|B|) + 2u·|β·c| (+ u for the final rounding), with |A|·|B|
// computed by the oracle; k·u is far above the typical error (√k·u) yet catches any wrong index.
void check_gemm(Transpose ta, Transpose tb, GemmCase s, float alpha, float beta, unsigned seed,
                GemmFunction gemm = cpu_backend_gemm) {
    const bool at = ta == Transpose::yes, bt = tb == Transpose::yes;
    const int a_rows = at ? s.k : s.m, a_cols = at ? s.m : s.k;
    const int b_rows = bt ? s.n : s.k, b_cols = bt ? s.k : s.n;
    const int lda = a_cols + 3, ldb = b_cols + 1, ldc = s.n + 5;  // padded, odd strides
    auto a = random_vector(size_t(a_rows) * lda, seed), b = random_vector(size_t(b_rows) * ldb, seed + 1);
    auto c0 = random_vector(size_t(s.m) * ldc, seed + 2);
    if (beta == 0.0f)  // beta = 0 must ignore c, NaN included
        for (size_t i = 0; i < c0.size(); i += 2) c0[i] = std::numeric_limits<float>::quiet_NaN();
    auto got = c0, want = c0;
    gemm(ta, tb, s.m, s.n, s.k, alpha, a.data(), lda, b.data(), ldb, beta, got.data(), ldc);
    ref().gemm(ta, tb, s.m, s.n, s.k, alpha, a.data(), lda, b.data(), ldb, beta, want.data(), ldc);
    std::vector<float> abs_a(a.size()), abs_b(b.size()), abs_ab(size_t(s.m) * ldc, 0.0f);
    for (size_t i = 0; i < a.size(); ++i) abs_a[i] = std::abs(a[i]);
    for (size_t i = 0; i < b.size(); ++i) abs_b[i] = std::abs(b[i]);
    ref().gemm(ta, tb, s.m, s.n, s.k, 1.0f, abs_a.data(), lda, abs_b.data(), ldb, 0.0f,
               abs_ab.data(), ldc);
    std::vector<double> bound(got.size(), 0.0);
    for (int i = 0; i < s.m; ++i)
        for (int j = 0; j < s.n; ++j) {
            const size_t at_ij = size_t(i) * ldc + j;
            const double old = beta == 0.0f ? 0.0 : std::abs(double(beta) * c0[at_ij]);
            bound[at_ij] = 2 * (s.k + 1) * unit_roundoff * std::abs(alpha) * abs_ab[at_ij] +
                           2 * unit_roundoff * old + unit_roundoff * std::abs(want[at_ij]);
        }
    // padding columns j ≥ n must be untouched: bound 0 there, and got, want both hold c0
    expect_within(got, want, bound,
                  "gemm " + std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
                      std::to_string(s.k) + " ta=" + std::to_string(at) + " tb=" +
                      std::to_string(bt) + " beta=" + std::to_string(beta));
}

void check_all_transposes_strides_and_betas(GemmFunction gemm) {
    // The packed kernel's blocks: {300, 70, 600} has more than one of rows (64 or 96) and of
    // depth (256), {70, 300, 90} more than one of columns (256); {64, 65, 127} is the smallest
    // product the cpu backend sends to it natively. The narrow kernel (C of at most two vectors
    // of columns; AVX2's 8 lanes, AVX-512's 16, or 8 for C of at most 8): {73, 6, 25} one vector
    // and a row past its 8-row blocks, {45, 16, 150} two full vectors of AVX2, {17, 15, 33} two
    // with a partial one, {9, 8, 1} a depth of one, {20, 10, 700} a depth of three chunks,
    // {19, 24, 300} AVX-512's two vectors, the second partial, over two chunks.
    const GemmCase shapes[] = {{1, 1, 1},     {3, 5, 7},     {17, 15, 33},   {64, 65, 127},
                               {1, 200, 784}, {130, 1, 20},  {300, 70, 600}, {70, 300, 90},
                               {73, 6, 25},   {45, 16, 150}, {9, 8, 1},      {20, 10, 700},
                               {19, 24, 300}};
    unsigned seed = 1;
    for (GemmCase s : shapes)
        for (Transpose ta : {Transpose::no, Transpose::yes})
            for (Transpose tb : {Transpose::no, Transpose::yes})
                for (float beta : {0.0f, 1.0f, -0.5f})
                    check_gemm(ta, tb, s, 0.7f, beta, seed++, gemm);
}

void check_training_shapes(GemmFunction gemm) {
    check_gemm(Transpose::no, Transpose::no, {128, 200, 784}, 1.0f, 0.0f, 7, gemm);    // forward
    check_gemm(Transpose::yes, Transpose::no, {784, 200, 128}, 1.0f, 1.0f, 8, gemm);   // dW = xᵀ·dy
    check_gemm(Transpose::no, Transpose::yes, {128, 784, 200}, 1.0f, 0.0f, 9, gemm);   // dx = dy·Wᵀ
}

}  // namespace

TEST(BackendOps, GemmMatchesReferenceForAllTransposesStridesAndBetas) {
    check_all_transposes_strides_and_betas(cpu_backend_gemm);
}

TEST(BackendOps, GemmAtTrainingShapeMatchesReference) { check_training_shapes(cpu_backend_gemm); }

// The packed product on its own: the browser's for every shape (Eigen is scalar there) and
// natively the one for long sides, checked here with the native vector width.
TEST(BackendOps, PackedGemmMatchesReference) {
    check_all_transposes_strides_and_betas(cpu::gemm_packed);
    check_training_shapes(cpu::gemm_packed);
}

TEST(BackendOps, GemmWithEmptyInnerDimensionOnlyScalesC) {
    std::vector<float> c = {1, 2, 3, std::numeric_limits<float>::quiet_NaN()};
    fast().gemm(Transpose::no, Transpose::no, 2, 2, 0, 1.0f, nullptr, 1, nullptr, 2, 2.0f, c.data(), 2);
    EXPECT_EQ(c[0], 2.0f);  // exact: 2·1
    EXPECT_EQ(c[2], 6.0f);
    fast().gemm(Transpose::no, Transpose::no, 2, 2, 0, 1.0f, nullptr, 1, nullptr, 2, 0.0f, c.data(), 2);
    EXPECT_EQ(c, std::vector<float>(4, 0.0f));  // beta = 0 clears, NaN included
}

TEST(BackendOps, GemmRejectsStridesShorterThanRows) {
    std::vector<float> a(12), b(12), c(12);
    EXPECT_THROW(fast().gemm(Transpose::no, Transpose::no, 3, 3, 4, 1, a.data(), 3, b.data(), 3, 0,
                             c.data(), 3),
                 Error);
    EXPECT_THROW(fast().set_threads(0), Error);
}

TEST(BackendOps, GemmIsBitIdenticalRunToRunForAFixedThreadCount) {
    const int n = 384;
    auto a = random_vector(size_t(n) * n, 21), b = random_vector(size_t(n) * n, 22);
    for (int threads : {1, 2}) {
        fast().set_threads(threads);
        std::vector<float> first(size_t(n) * n), second(size_t(n) * n);
        fast().gemm(Transpose::no, Transpose::yes, n, n, n, 1, a.data(), n, b.data(), n, 0, first.data(), n);
        fast().gemm(Transpose::no, Transpose::yes, n, n, n, 1, a.data(), n, b.data(), n, 0, second.data(), n);
        expect_bitwise_equal(second, first, "gemm threads=" + std::to_string(threads));
    }
}

// Same IEEE operations in the same order as the reference (no contraction: -ffp-contract=off):
// these must agree bit for bit at every tail length.
TEST(BackendOps, ElementwiseOpsMatchReferenceBitForBit) {
    for (size_t n : tail_sizes) {
        auto x = random_vector(n, unsigned(n)), y = random_vector(n, unsigned(n) + 1);
        x[0] = 0.0f;  // relu's boundary
        if (n > 2) x[2] = std::numeric_limits<float>::quiet_NaN();
        auto nan_y = y;
        for (size_t i = 0; i < n; i += 3) nan_y[i] = std::numeric_limits<float>::quiet_NaN();
        auto check = [&](auto&& op, std::vector<float> out, const char* what) {
            auto want = out;
            op(fast(), out);
            op(ref(), want);
            expect_bitwise_equal(out, want, std::string(what) + " n=" + std::to_string(n));
        };
        check([&](Backend& be, std::vector<float>& o) { be.copy(n, x.data(), o.data()); }, nan_y, "copy");
        check([&](Backend& be, std::vector<float>& o) { be.fill(n, -0.0f, o.data()); }, nan_y, "fill");
        check([&](Backend& be, std::vector<float>& o) { be.axpby(n, 0.3f, x.data(), -1.7f, o.data()); }, y, "axpby");
        check([&](Backend& be, std::vector<float>& o) { be.axpby(n, 0.3f, x.data(), 0.0f, o.data()); }, nan_y, "axpby beta=0");
        check([&](Backend& be, std::vector<float>& o) { be.scale(n, -2.5f, o.data()); }, y, "scale");
        check([&](Backend& be, std::vector<float>& o) { be.multiply(n, x.data(), y.data(), o.data()); }, nan_y, "multiply");
        check([&](Backend& be, std::vector<float>& o) { be.add(n, x.data(), y.data(), o.data()); }, nan_y, "add");
        check([&](Backend& be, std::vector<float>& o) { be.relu_forward(n, x.data(), o.data()); }, nan_y, "relu_forward");
        check([&](Backend& be, std::vector<float>& o) { be.relu_backward(n, x.data(), y.data(), o.data()); }, nan_y, "relu_backward");
    }
}

TEST(BackendOps, DotMatchesReferenceWithinFloatLaneBound) {
    for (size_t n : {size_t(0), size_t(1), size_t(3), size_t(17), size_t(1023), size_t(100003)}) {
        auto x = random_vector(n, 40 + unsigned(n)), y = random_vector(n, 41 + unsigned(n));
        double abs_sum = 0;
        for (size_t i = 0; i < n; ++i) abs_sum += std::abs(double(x[i]) * y[i]);
        // each float lane sums ≤ 128 products of a 4096-block, then ~5 pairwise levels: ≤ 133·u·Σ|xy|
        EXPECT_NEAR(fast().dot(n, x.data(), y.data()), ref().dot(n, x.data(), y.data()),
                    140 * unit_roundoff * abs_sum + 1e-30) << "n=" << n;
    }
}

TEST(BackendOps, BiasAndColumnSumsMatchReference) {
    for (int rows : {1, 3, 300, 1000})
        for (int cols : {1, 7, 17, 100}) {
            auto x = random_vector(size_t(rows) * cols, rows * 7 + cols), bias = random_vector(cols, 5);
            auto got = x, want = x;
            fast().add_bias(rows, cols, bias.data(), got.data());
            ref().add_bias(rows, cols, bias.data(), want.data());
            expect_bitwise_equal(got, want, "add_bias");  // one float add each, same operands
            auto out_got = bias, out_want = bias;
            fast().add_column_sums(rows, cols, x.data(), out_got.data());
            ref().add_column_sums(rows, cols, x.data(), out_want.data());
            std::vector<double> bound(cols);
            for (int c = 0; c < cols; ++c) {
                double abs_sum = std::abs(bias[c]);
                for (int r = 0; r < rows; ++r) abs_sum += std::abs(x[size_t(r) * cols + c]);
                bound[c] = 258 * unit_roundoff * abs_sum;  // float runs of ≤ 256 rows, then double
            }
            expect_within(out_got, out_want, bound, "add_column_sums");
        }
}

// Long arrays (a convolution's activations) are shared among threads in chunks that start part way
// through the bias pattern.
TEST(BackendOps, BiasOverALongArrayOnTwoThreadsMatchesReference) {
    fast().set_threads(2);
    for (int cols : {6, 7, 200}) {
        const int rows = 30000;
        auto x = random_vector(size_t(rows) * cols, unsigned(cols)), bias = random_vector(cols, 9);
        auto got = x, want = x;
        fast().add_bias(rows, cols, bias.data(), got.data());
        ref().add_bias(rows, cols, bias.data(), want.data());
        expect_bitwise_equal(got, want, "add_bias cols=" + std::to_string(cols));
    }
    fast().set_threads(1);
}

// glibc returns allocations above 128 KiB 16 bytes past a page boundary; the kernels' buffers must
// not inherit that (half their 256-bit accesses would straddle cache lines).
TEST(BackendOps, AlignedFloatsStartOnACacheLine) {
    for (size_t n : {size_t(1), size_t(1000), size_t(1) << 18, size_t(1) << 22}) {
        AlignedFloats buffer(n, 1.0f);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.data()) % 64, 0u) << n << " floats";
        buffer.resize(3 * n + 1, 2.0f);   // a reallocation keeps the alignment and the values
        EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.data()) % 64, 0u) << 3 * n + 1 << " floats";
        EXPECT_EQ(buffer[n - 1], 1.0f);
        EXPECT_EQ(buffer[3 * n], 2.0f);
    }
}
