// Products whose C has at most two vectors of columns: the 10-class output layer, the narrow
// projections, any product with a short side of 4 to 32 columns. Packing for the 6 × 16 tiles of
// gemm_xsimd.cpp would waste most of each tile; here op(B) is padded once to k rows of NV vectors
// and C is computed in the register tiles of narrow_tile.h.
#include <algorithm>

#include "backends/cpu/kernels_cpu.h"
#include "backends/cpu/narrow_tile.h"
#include "aligned_floats.h"

namespace idim::cpu {
namespace {

using narrow::batch;
using narrow::by_width;
using narrow::over_row_blocks;
using narrow::short_batch;
using narrow::StridedA;
constexpr int KC = 256;  // a long depth goes in chunks: their rows of A and B stay in L1

template <class B, int NV>
void narrow_product(int m, int n, int k, float alpha, const StridedA& a, const float* b_padded,
                    float beta, float* c, int ldc) {
    if (k <= KC) {  // one chunk: straight into C
        over_row_blocks<B, NV>(0, m, [&](int i0, auto tile) {
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
        over_row_blocks<B, NV>(0, m, [&](int i0, auto tile) {
            float* parked = sums.data() + size_t(i0) * block_floats;
            tile.load(parked);
            tile.accumulate(a, i0, p0, std::min(k, p0 + KC), b_padded);
            tile.store(parked);
        });
    over_row_blocks<B, NV>(0, m, [&](int i0, auto tile) {
        tile.load(sums.data() + size_t(i0) * block_floats);
        tile.write(n, alpha, beta, c + size_t(i0) * ldc, ldc);
    });
}

// op(B) padded to k rows of NV vectors of B, then the product.
template <class B, int NV>
void padded_product(Transpose trans_b, int m, int n, int k, float alpha, const StridedA& a,
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
// Pᵀ·g: through this kernel their step would take 120 ms instead of 40).
bool narrow_fits(int m, int n, int k) {
    return n >= int(short_batch::size) / 2 && n <= 2 * int(batch::size) && m >= 8 && k >= 1;
}

void gemm_narrow(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha,
                 const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
    const StridedA op_a = trans_a == Transpose::yes ? StridedA{a, 1, size_t(lda)}
                                                    : StridedA{a, size_t(lda), 1};
    by_width(n, [&]<class B, int NV>() {
        padded_product<B, NV>(trans_b, m, n, k, alpha, op_a, b, ldb, beta, c, ldc);
    });
}

}  // namespace idim::cpu
