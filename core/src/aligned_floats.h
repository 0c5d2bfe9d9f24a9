// Float buffers that start on a 64-byte cache line. glibc places every allocation above 128 KiB
// 16 bytes past a page boundary, so half the 256-bit loads and stores of such a std::vector<float>
// straddle two cache lines: the Walsh–Hadamard transform runs about 35% slower on such a buffer
// than on an aligned one. The long buffers the kernels stream through (θ, gradients, optimiser state,
// activations, Fastfood's work vectors) use this type.
#pragma once
#include <cstddef>
#include <new>
#include <vector>

namespace idim {

template <class T>
struct CacheLineAllocator {
    using value_type = T;
    static constexpr std::align_val_t alignment{64};

    CacheLineAllocator() = default;
    template <class U>
    CacheLineAllocator(const CacheLineAllocator<U>&) {}
    T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), alignment)); }
    void deallocate(T* p, size_t) { ::operator delete(p, alignment); }
    template <class U>
    bool operator==(const CacheLineAllocator<U>&) const { return true; }
};

using AlignedFloats = std::vector<float, CacheLineAllocator<float>>;

}  // namespace idim
