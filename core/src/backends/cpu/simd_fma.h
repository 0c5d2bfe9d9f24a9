// Fused multiply-add on xsimd batches. xsimd 8.1 has FMA kernels for SSE and AVX (FMA3) but none
// for AVX-512: there its fma(x, y, z) falls back to x·y + z in two instructions, rounded twice,
// and fnma to three. These call the AVX-512 instructions where the batch is a 512-bit register.
#pragma once
#include <xsimd/xsimd.hpp>

namespace idim::cpu {

template <class Batch>
Batch fused_multiply_add(Batch x, Batch y, Batch z) {  // x·y + z
#if XSIMD_WITH_AVX512F
    if constexpr (Batch::size * sizeof(typename Batch::value_type) == 64)
        return _mm512_fmadd_ps(x, y, z);
    else
#endif
        return xsimd::fma(x, y, z);
}

template <class Batch>
Batch fused_negated_multiply_add(Batch x, Batch y, Batch z) {  // −x·y + z
#if XSIMD_WITH_AVX512F
    if constexpr (Batch::size * sizeof(typename Batch::value_type) == 64)
        return _mm512_fnmadd_ps(x, y, z);
    else
#endif
        return xsimd::fnma(x, y, z);
}

}  // namespace idim::cpu
