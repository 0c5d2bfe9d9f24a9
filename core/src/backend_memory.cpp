// The default backend memory: host memory, for the backends whose kernels run on the host.
#include <cstring>
#include <new>

#include "idim/backend.h"

namespace idim {

constexpr std::align_val_t kAlignment{64};

void* Backend::allocate(size_t bytes) {
    void* p = ::operator new(bytes, kAlignment);
    std::memset(p, 0, bytes);
    return p;
}

void Backend::deallocate(void* p, size_t) { ::operator delete(p, kAlignment); }

void Backend::upload(const void* host, size_t bytes, void* dst) { std::memcpy(dst, host, bytes); }

void Backend::download(const void* src, size_t bytes, void* host) { std::memcpy(host, src, bytes); }

}  // namespace idim
