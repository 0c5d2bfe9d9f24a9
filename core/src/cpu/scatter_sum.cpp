// Fastfood's Πᵀ·G folded onto one block (Backend::scatter_sum_scaled). The reads run in order and
// the random writes land in m floats — in L1 for the blocks Fastfood folds — where gathering the
// same permutation read one random float of an L-float vector per element.
#include <algorithm>

#include "cpu/kernels_cpu.h"
#include "cpu/parallel_chunks.h"
#include "idim/aligned_floats.h"
#include "idim/backend.h"

namespace idim::cpu {

void scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale, const float* x,
                        size_t m, float* out) {
    constexpr size_t parts = scatter_sum_parts;
    thread_local AlignedFloats partial_sums;
    partial_sums.resize(parts * m);
    float* sums = partial_sums.data();  // the caller's buffer: workers see their own thread_local
    parallel_for(long(parts), n >= size_t(kParallelFloats), [=](long p) {
        float* sum = sums + size_t(p) * m;
        std::fill(sum, sum + m, 0.0f);
        for (size_t i = size_t(p) * n / parts, end = size_t(p + 1) * n / parts; i < end; ++i)
            sum[index[i]] += scale[i] * x[i];
    });
    copy(m, sums, out);
    for (size_t p = 1; p < parts; ++p) add(m, out, sums + p * m, out);
}

}  // namespace idim::cpu
