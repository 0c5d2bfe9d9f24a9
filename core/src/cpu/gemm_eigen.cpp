// Dense matrix products of the "cpu" backend through Eigen's blocked GEMM (its own OpenMP
// threads natively, EIGEN_DONT_VECTORIZE scalar code in the browser). Row-major arrays with row
// strides are mapped without copying; a transposed operand is just Eigen's transposed view.
#include <string>

#include <Eigen/Core>

#include "cpu/kernels_cpu.h"
#include "idim/error.h"

namespace idim::cpu {
namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMajor, Eigen::Unaligned, Eigen::OuterStride<>>;
using MutableMap = Eigen::Map<RowMajor, Eigen::Unaligned, Eigen::OuterStride<>>;

void check_stride(const char* name, int ld, int stored_cols) {
    require(ld >= stored_cols && ld >= 1, std::string("gemm: ") + name + " = " + std::to_string(ld) +
                                              " is smaller than the " + std::to_string(stored_cols) +
                                              " columns stored in each row");
}

// c = alpha·lhs·rhs, or c += alpha·lhs·rhs when c already holds beta·c.
template <class Lhs, class Rhs>
void multiply_into(MutableMap& c, float alpha, const Lhs& lhs, const Rhs& rhs, bool accumulate) {
    if (accumulate)
        c.noalias() += alpha * (lhs * rhs);
    else
        c.noalias() = alpha * (lhs * rhs);
}

}  // namespace

void gemm(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha, const float* a,
          int lda, const float* b, int ldb, float beta, float* c, int ldc) {
    require(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m=" + std::to_string(m) + " n=" +
                                            std::to_string(n) + " k=" + std::to_string(k));
    const bool ta = trans_a == Transpose::yes, tb = trans_b == Transpose::yes;
    check_stride("lda", lda, ta ? m : k);
    check_stride("ldb", ldb, tb ? k : n);
    check_stride("ldc", ldc, n);
    if (m == 0 || n == 0) return;
    MutableMap cm(c, m, n, Eigen::OuterStride<>(ldc));
    const bool has_product = k > 0 && alpha != 0.0f;  // BLAS convention: alpha = 0 reads no a, b
    if (beta == 0.0f && !has_product) cm.setZero();   // never 0·c: 0·NaN would keep the NaN
    if (beta != 0.0f && beta != 1.0f) cm *= beta;
    if (!has_product) return;
    ConstMap am(a, ta ? k : m, ta ? m : k, Eigen::OuterStride<>(lda));
    ConstMap bm(b, tb ? n : k, tb ? k : n, Eigen::OuterStride<>(ldb));
    const bool accumulate = beta != 0.0f;  // otherwise Eigen's assignment overwrites c
    if (!ta && !tb) multiply_into(cm, alpha, am, bm, accumulate);
    if (!ta && tb) multiply_into(cm, alpha, am, bm.transpose(), accumulate);
    if (ta && !tb) multiply_into(cm, alpha, am.transpose(), bm, accumulate);
    if (ta && tb) multiply_into(cm, alpha, am.transpose(), bm.transpose(), accumulate);
}

void set_gemm_threads(int n_threads) {
    require(n_threads >= 1, "set_threads: need at least 1 thread, got " + std::to_string(n_threads));
    Eigen::setNbThreads(n_threads);
}

}  // namespace idim::cpu
