// Buffer<T>: n values of T in a backend's memory, owned (freed when the buffer goes) and
// move-only. Host code fills it with upload and reads it with download; kernels take data().
#pragma once
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "idim/backend.h"
#include "idim/error.h"

namespace idim {

template <class T>
class Buffer {
public:
    Buffer() = default;
    Buffer(Backend& be, size_t n)   // zero-filled
        : be_(&be), n_(n), p_(n ? static_cast<T*>(be.allocate(n * sizeof(T))) : nullptr) {}
    Buffer(Backend& be, std::span<const T> host) : Buffer(be, host.size()) { upload(host); }
    Buffer(Buffer&& other) noexcept { swap(other); }
    Buffer& operator=(Buffer&& other) noexcept {
        Buffer(std::move(other)).swap(*this);
        return *this;
    }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer() {
        if (p_) be_->deallocate(p_, n_ * sizeof(T));
    }

    T* data() { return p_; }
    const T* data() const { return p_; }
    size_t size() const { return n_; }
    bool empty() const { return n_ == 0; }
    Backend& backend() const { return *be_; }

    void upload(std::span<const T> host) {
        require(host.size() == n_, "upload: ", host.size(), " values into a buffer of ", n_);
        if (n_) be_->upload(host.data(), n_ * sizeof(T), p_);
    }
    std::vector<T> download() const {
        std::vector<T> host(n_);
        if (n_) be_->download(p_, n_ * sizeof(T), host.data());
        return host;
    }

private:
    Backend* be_ = nullptr;
    size_t n_ = 0;
    T* p_ = nullptr;
    void swap(Buffer& o) noexcept {
        std::swap(be_, o.be_);
        std::swap(n_, o.n_);
        std::swap(p_, o.p_);
    }
};

// Scratch space that grows on demand in the memory of the backend it is used with. A copy of its
// owner starts without one (a cloned layer or model gets workspaces of its own).
template <class T>
class Workspace {
public:
    Workspace() = default;
    Workspace(const Workspace&) {}
    Workspace& operator=(const Workspace&) {
        buffer_ = {};
        return *this;
    }
    Workspace(Workspace&&) noexcept = default;
    Workspace& operator=(Workspace&&) noexcept = default;

    // At least n values (contents not kept when it grows).
    T* get(Backend& be, size_t n) {
        if (buffer_.size() < n || (!buffer_.empty() && &buffer_.backend() != &be))
            buffer_ = Buffer<T>(be, n);
        return buffer_.data();
    }

private:
    Buffer<T> buffer_;
};

}  // namespace idim
