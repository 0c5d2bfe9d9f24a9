// IDIM_HD marks a function that both compilers build from the same source: __host__ __device__
// under nvcc, nothing under g++/clang/emcc. Kernel bodies and the random-number path are written
// once this way, so the GPU runs the very operations the host tests check.
#pragma once
#include <cstdint>
#include <cstring>

#include "no_fast_math.h"

#ifdef __CUDACC__
#define IDIM_HD __host__ __device__
#else
#define IDIM_HD
#endif

namespace idim::hd {

// The double whose bits are b (std::bit_cast, which device code cannot call).
IDIM_HD inline double double_from_bits(uint64_t b) {
#ifdef __CUDA_ARCH__
    return __longlong_as_double(static_cast<long long>(b));
#else
    double d;
    std::memcpy(&d, &b, sizeof d);
    return d;
#endif
}

IDIM_HD inline uint64_t bits_of_double(double d) {
#ifdef __CUDA_ARCH__
    return static_cast<uint64_t>(__double_as_longlong(d));
#else
    uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return b;
#endif
}

}  // namespace idim::hd
