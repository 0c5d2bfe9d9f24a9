// Compressed-sparse-row products of the "cpu" backend (the sparse projection's expand and
// contract). Both are bound by streaming the index and value arrays, so the loops stay scalar;
// sums run in double, which costs nothing here and keeps long columns accurate.
#include <string>
#include <vector>

#include "backends/cpu/kernels_cpu.h"
#include "idim/error.h"

namespace idim::cpu {
namespace {

// Shapes only (O(1)); the column indices are trusted, as the projection that builds them checks.
void check_shape(const SparseMatrix& a, const char* who) {
    require(a.rows >= 0 && a.cols >= 0 && a.nnz >= 0 && a.row_start && a.row_start[0] == 0 &&
                a.row_start[a.rows] == a.nnz,
            who, ": malformed CSR matrix (", a.rows, "x", a.cols, ", ", a.nnz, " values)");
}

float blend(double alpha_sum, float beta, float old) {  // beta == 0 ignores old (may be NaN)
    return float(alpha_sum + (beta == 0.0f ? 0.0 : double(beta) * old));
}

}  // namespace

void sparse_gemv(const SparseMatrix& a, float alpha, const float* x, float beta, float* y) {
    check_shape(a, "sparse_gemv");
    const int64_t* start = a.row_start;
    const int32_t* col = a.col_index;
    const float* value = a.value;
    for (int64_t r = 0; r < a.rows; ++r) {
        double sum = 0;
        for (int64_t p = start[r]; p < start[r + 1]; ++p) sum += double(value[p]) * x[col[p]];
        y[r] = blend(alpha * sum, beta, y[r]);
    }
}

void sparse_gemv_transposed(const SparseMatrix& a, float alpha, const float* y, float beta,
                            float* x) {
    check_shape(a, "sparse_gemv_transposed");
    std::vector<double> sum(size_t(a.cols), 0.0);
    const int64_t* start = a.row_start;
    const int32_t* col = a.col_index;
    const float* value = a.value;
    for (int64_t r = 0; r < a.rows; ++r) {
        const double yr = y[r];
        for (int64_t p = start[r]; p < start[r + 1]; ++p) sum[col[p]] += value[p] * yr;
    }
    for (int64_t c = 0; c < a.cols; ++c) x[c] = blend(alpha * sum[c], beta, x[c]);
}

}  // namespace idim::cpu
