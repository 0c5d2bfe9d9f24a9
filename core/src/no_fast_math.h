// Included by every file that produces P or a kernel body the GPU shares with the host (hd.h, the
// random-number path, the projections). Fast math (-ffast-math, nvcc --use_fast_math) reorders
// sums, flushes subnormals and approximates division, square roots and logarithms, and P's bits,
// the same today on the host, in WebAssembly and on the GPU, would change without a warning.
// nvcc 13 defines no macro for --use_fast_math: the cuda CMake refuses it (no_fast_math.cmake).
#pragma once
#if defined(__FAST_MATH__) || defined(__USE_FAST_MATH__)
#error "idim: fast math is on (-ffast-math or --use_fast_math); P's bits need IEEE arithmetic"
#endif
