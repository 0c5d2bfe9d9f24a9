// Matrix products with cuBLAS. cuBLAS is column-major: a row-major (m, n) matrix is its
// transpose to cuBLAS, so c = op(a)·op(b) is computed as cᵀ = op(b)ᵀ·op(a)ᵀ with the operands
// swapped and each one's transpose flag kept.
#include "backends/cuda/launch.cuh"
#include "backends/cuda/ops.h"

namespace idim::cuda {

void gemm(Transpose ta, Transpose tb, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc) {
    if (m == 0 || n == 0) return;
    const auto op = [](Transpose t) { return t == Transpose::yes ? CUBLAS_OP_T : CUBLAS_OP_N; };
    if (k == 0) {   // c = β·c (the reference's float(α·0 + β·c)); cuBLAS would refuse lda = 0
        for_each(size_t(m) * n, [=] __device__(size_t i) {
            float& out = c[i / n * ldc + i % n];
            out = beta == 0.0f ? 0.0f : beta * out;
        }, "gemm (k = 0)");
        return;
    }
    check(cublasSgemm(context().blas(), op(tb), op(ta), n, m, k, &alpha, b, ldb, a, lda, &beta, c,
                      ldc),
          "cublasSgemm");
    check_launch("gemm (cublasSgemm)");
}

}  // namespace idim::cuda
