// Dense matrix products of the "cpu" backend: natively through gemm_xsimd.cpp's packed kernel
// where C's sides and the depth are long, through Eigen's blocked GEMM elsewhere (skinny and
// matrix-vector products); in the browser, where Eigen is compiled scalar (EIGEN_DONT_VECTORIZE),
// always through gemm_xsimd.cpp. For Eigen, row-major arrays with row strides are mapped without
// copying and a transposed operand is just a transposed view. Threads: each product runs on one;
// a large product is cut into independent column (or row) panels of C, one per OpenMP thread.
// Eigen's own threading is not used: it synchronises its threads by spinning inside every
// product, which at the training shapes on a loaded 2-core machine is 10–40× slower than one thread.
#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <Eigen/Core>

#include "backends/cpu/kernels_cpu.h"
#include "backends/cpu/parallel_chunks.h"
#include "idim/error.h"

namespace idim::cpu {
namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMajor, Eigen::Unaligned, Eigen::OuterStride<>>;
using MutableMap = Eigen::Map<RowMajor, Eigen::Unaligned, Eigen::OuterStride<>>;

void check_stride(const char* name, int ld, int stored_cols) {
    require(ld >= stored_cols && ld >= 1, "gemm: ", name, " = ", ld, " is smaller than the ",
            stored_cols, " columns stored in each row");
}

// c = alpha·lhs·rhs, or c += alpha·lhs·rhs when c already holds beta·c.
template <class Lhs, class Rhs>
void multiply_into(MutableMap& c, float alpha, const Lhs& lhs, const Rhs& rhs, bool accumulate) {
    if (accumulate)
        c.noalias() += alpha * (lhs * rhs);
    else
        c.noalias() = alpha * (lhs * rhs);
}

int initial_threads() {  // as before: all cores until set_threads says otherwise
    Eigen::setNbThreads(1);
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}
// Atomic: the CLI's run pool sets it from each of its worker threads (to the same value).
std::atomic<int> gemm_threads = initial_threads();
constexpr double kMinParallelFlops = 4e6;  // below ≈ 40 µs of work a fork/join does not pay

// The packed kernel fills its 6 × 16 tiles only with long sides and depth. Measured on one
// thread (GFLOP/s, packed against Eigen): 128 × 200 × 784 78 / 54, 200 × 200 × 128 75 / 65,
// 1024³ 85–92 / 64–68; with 6 to 24 columns or a depth of 10, Eigen is as fast or faster.
bool packed_pays(int m, int n, int k) { return std::min(m, n) >= 64 && k >= 64; }

void gemm_one_thread(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha,
                     const float* a, int lda, const float* b, int ldb, float beta, float* c,
                     int ldc) {
    if (narrow_fits(m, n, k) && alpha != 0.0f)
        return gemm_narrow(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#ifdef __EMSCRIPTEN__
    return gemm_packed(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#endif
    if (packed_pays(m, n, k))
        return gemm_packed(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    MutableMap cm(c, m, n, Eigen::OuterStride<>(ldc));
    const bool has_product = k > 0 && alpha != 0.0f;  // BLAS convention: alpha = 0 reads no a, b
    if (beta == 0.0f && !has_product) cm.setZero();   // never 0·c: 0·NaN would keep the NaN
    if (beta != 0.0f && beta != 1.0f) cm *= beta;
    if (!has_product) return;
    const bool ta = trans_a == Transpose::yes, tb = trans_b == Transpose::yes;
    ConstMap am(a, ta ? k : m, ta ? m : k, Eigen::OuterStride<>(lda));
    ConstMap bm(b, tb ? n : k, tb ? k : n, Eigen::OuterStride<>(ldb));
    const bool accumulate = beta != 0.0f;  // otherwise Eigen's assignment overwrites c
    if (!ta && !tb) multiply_into(cm, alpha, am, bm, accumulate);
    if (!ta && tb) multiply_into(cm, alpha, am, bm.transpose(), accumulate);
    if (ta && !tb) multiply_into(cm, alpha, am.transpose(), bm, accumulate);
    if (ta && tb) multiply_into(cm, alpha, am.transpose(), bm.transpose(), accumulate);
}

// Panels are whole SIMD vectors of C's rows or columns, the granule of Eigen's kernels.
constexpr int kGranule = Eigen::internal::packet_traits<float>::size;

// Panel p of `parts` over `size`, in whole granules.
std::pair<int, int> panel(int size, int parts, int p) {
    const int step = (size / parts + kGranule - 1) / kGranule * kGranule;
    const int begin = std::min(size, p * step);
    return {begin, p + 1 == parts ? size : std::min(size, begin + step)};
}

// The largest panel when `size` is cut into `parts` (the last panel takes what is left over).
int largest_panel(int size, int parts) {
    int largest = 0;
    for (int p = 0; p < parts; ++p) {
        auto [lo, hi] = panel(size, parts, p);
        largest = std::max(largest, hi - lo);
    }
    return largest;
}

}  // namespace

// C's panels: op(B)'s columns or op(A)'s rows, whichever leaves the smaller share of C to the
// busiest thread (FC's 128 × 200 forward product: 64 + 64 rows rather than 104 + 96 columns);
// rows on a tie: cut by columns, the threads write the same cache line of C at every row's cut
// (200 × 200 × 128 on 2 threads: 87 GFLOP/s by columns, 133 by rows).
bool gemm_cuts_columns(int m, int n, int threads) {
    const double row_share = double(largest_panel(m, threads)) / m;
    const double column_share = double(largest_panel(n, threads)) / n;
    return column_share < row_share;
}

// C too small to share out but a long depth (a convolution's kernel gradient: 25 × 6 over 73,728
// positions): each thread sums its share of the depth, thread 0 into C (with β), the others into
// copies of C that are then added in thread order, the same order on every run.
bool splits_depth(int m, int n, int k) { return size_t(m) * n <= 4096 && k >= 2048; }

void gemm_split_depth(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha,
                      const float* a, int lda, const float* b, int ldb, float beta, float* c,
                      int ldc, int threads) {
    const bool ta = trans_a == Transpose::yes, tb = trans_b == Transpose::yes;
    std::vector<float> partial(size_t(threads - 1) * m * n);
#pragma omp parallel for num_threads(threads) schedule(static, 1)
    for (int p = 0; p < threads; ++p) {
        const int lo = int(int64_t(k) * p / threads), hi = int(int64_t(k) * (p + 1) / threads);
        // op(A)(:, lo:hi): columns lo.. of A, or rows lo.. of a transposed A; op(B)(lo:hi, :)
        const float* a_part = ta ? a + size_t(lo) * lda : a + lo;
        const float* b_part = tb ? b + lo : b + size_t(lo) * ldb;
        if (p == 0)
            gemm_one_thread(trans_a, trans_b, m, n, hi - lo, alpha, a_part, lda, b_part, ldb,
                            beta, c, ldc);
        else
            gemm_one_thread(trans_a, trans_b, m, n, hi - lo, alpha, a_part, lda, b_part, ldb,
                            0.0f, partial.data() + size_t(p - 1) * m * n, n);
    }
    for (int p = 1; p < threads; ++p)
        for (int i = 0; i < m; ++i)
            for (int j = 0; j < n; ++j)
                c[size_t(i) * ldc + j] += partial[(size_t(p - 1) * m + i) * n + j];
}

void gemm(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha, const float* a,
          int lda, const float* b, int ldb, float beta, float* c, int ldc) {
    require(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m=", m, " n=", n, " k=", k);
    const bool ta = trans_a == Transpose::yes, tb = trans_b == Transpose::yes;
    check_stride("lda", lda, ta ? m : k);
    check_stride("ldb", ldb, tb ? k : n);
    check_stride("ldc", ldc, n);
    if (m == 0 || n == 0) return;
    const int available = in_parallel_region() ? 1 : gemm_threads.load();
    if (available > 1 && splits_depth(m, n, k) && 2.0 * m * n * k >= kMinParallelFlops)
        return gemm_split_depth(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                                available);
    const int threads = std::min(available, std::max(m, n) / 16);
    if (threads <= 1 || 2.0 * m * n * k < kMinParallelFlops)
        return gemm_one_thread(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    const bool by_columns = gemm_cuts_columns(m, n, threads);
#pragma omp parallel for num_threads(threads) schedule(static, 1)
    for (int p = 0; p < threads; ++p) {
        auto [lo, hi] = panel(by_columns ? n : m, threads, p);
        if (lo >= hi) continue;
        if (by_columns)  // op(B)(:, lo:hi): columns lo.. of B, or rows lo.. of a transposed B
            gemm_one_thread(trans_a, trans_b, m, hi - lo, k, alpha, a, lda,
                            tb ? b + size_t(lo) * ldb : b + lo, ldb, beta, c + lo, ldc);
        else  // op(A)(lo:hi, :): rows lo.. of A, or columns lo.. of a transposed A
            gemm_one_thread(trans_a, trans_b, hi - lo, n, k, alpha,
                            ta ? a + lo : a + size_t(lo) * lda, lda, b, ldb, beta,
                            c + size_t(lo) * ldc, ldc);
    }
}

void set_gemm_threads(int n_threads) {
    require(n_threads >= 1, "set_threads: need at least 1 thread, got " + std::to_string(n_threads));
    gemm_threads = n_threads;
    Eigen::setNbThreads(1);
#ifdef _OPENMP
    omp_set_num_threads(n_threads);  // the projections' and kernels' own parallel loops too
#endif
}

int gemm_thread_count() { return gemm_threads; }

}  // namespace idim::cpu
