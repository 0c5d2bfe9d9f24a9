// See backend_remote.h. Two reservations of the same size: `shadow` (PROT_NONE, the addresses
// handed out) and `store` (where the bytes are). Blocks are carved in 64-byte steps; freed blocks
// are reused by size and their pages handed back to the system.
#include "backends/remote/backend_remote.h"

#include <sys/mman.h>

#include <cstring>
#include <map>
#include <mutex>

#include "backends/cpu/backend_reference.h"
#include "idim/error.h"

namespace idim {
namespace {

constexpr size_t kSpan = size_t(64) << 30;   // address space, not memory: pages come on use

char* reserve(int protection) {
    void* p = mmap(nullptr, kSpan, protection, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    require(p != MAP_FAILED, "remote backend: cannot reserve ", kSpan >> 30, " GiB of address space");
    return static_cast<char*>(p);
}

class RemoteBackend final : public Backend {
public:
    RemoteBackend() : shadow_(reserve(PROT_NONE)), store_(reserve(PROT_READ | PROT_WRITE)) {}

    std::string name() const override { return "remote"; }
    void set_threads(int) override {}
    bool host_addressable() const override { return false; }

    void* allocate(size_t bytes) override {
        const size_t size = (std::max<size_t>(bytes, 1) + 63) / 64 * 64;
        std::lock_guard<std::mutex> lock(mutex_);
        size_t offset;
        if (auto it = free_.find(size); it != free_.end()) {
            offset = it->second;
            free_.erase(it);
        } else {
            require(used_ + size <= kSpan, "remote backend: out of its ", kSpan >> 30, " GiB");
            offset = used_;
            used_ += size;
        }
        std::memset(store_ + offset, 0, size);
        return shadow_ + offset;
    }
    void deallocate(void* p, size_t bytes) override {
        const size_t size = (std::max<size_t>(bytes, 1) + 63) / 64 * 64;
        const size_t offset = size_t(static_cast<char*>(p) - shadow_);
        const size_t first = (offset + 4095) / 4096 * 4096, last = (offset + size) / 4096 * 4096;
        if (last > first) madvise(store_ + first, last - first, MADV_DONTNEED);   // whole pages only
        std::lock_guard<std::mutex> lock(mutex_);
        free_.emplace(size, offset);
    }
    void upload(const void* host, size_t bytes, void* dst) override {
        std::memcpy(real(dst), host, bytes);
    }
    void download(const void* src, size_t bytes, void* host) override {
        std::memcpy(host, real(src), bytes);
    }

    void gemm(Transpose ta, Transpose tb, int m, int n, int k, float alpha, const float* a, int lda,
              const float* b, int ldb, float beta, float* c, int ldc) override {
        ref().gemm(ta, tb, m, n, k, alpha, real(a), lda, real(b), ldb, beta, real(c), ldc);
    }
    void copy(size_t n, const float* x, float* y) override { ref().copy(n, real(x), real(y)); }
    void fill(size_t n, float value, float* x) override { ref().fill(n, value, real(x)); }
    void gather_rows(size_t n, const uint32_t* index, size_t row_size, const float* table,
                     float* out) override {
        ref().gather_rows(n, real(index), row_size, real(table), real(out));
    }
    void gather_ints(size_t n, const uint32_t* index, const int32_t* table, int32_t* out) override {
        ref().gather_ints(n, real(index), real(table), real(out));
    }
    void gather_scaled(size_t n, const uint32_t* index, const float* table, const float* scale,
                       float* out) override {
        ref().gather_scaled(n, real(index), real(table), real(scale), real(out));
    }
    void scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale, const float* x,
                            size_t m, float* out) override {
        ref().scatter_sum_scaled(n, real(index), real(scale), real(x), m, real(out));
    }
    void axpby(size_t n, float alpha, const float* x, float beta, float* y) override {
        ref().axpby(n, alpha, real(x), beta, real(y));
    }
    void scale(size_t n, float alpha, float* x) override { ref().scale(n, alpha, real(x)); }
    double dot(size_t n, const float* x, const float* y) override {
        return ref().dot(n, real(x), real(y));
    }
    void multiply(size_t n, const float* x, const float* y, float* z) override {
        ref().multiply(n, real(x), real(y), real(z));
    }
    void add(size_t n, const float* x, const float* y, float* z) override {
        ref().add(n, real(x), real(y), real(z));
    }
    void scaled_add(size_t n, const float* alpha, const float* x, const float* base,
                    float* out) override {
        ref().scaled_add(n, real(alpha), real(x), real(base), real(out));
    }
    void dot_into(size_t n, const float* x, const float* y, float* out) override {
        ref().dot_into(n, real(x), real(y), real(out));
    }
    void row_sums(size_t rows, size_t cols, const float* x, double* out) override {
        ref().row_sums(rows, cols, real(x), real(out));
    }
    void copy_padded(size_t n, size_t total, const float* x, const float* scale,
                     float* out) override {
        ref().copy_padded(n, total, real(x), real(scale), real(out));
    }
    void copy_twice(size_t n, const float* x, float* out) override {
        ref().copy_twice(n, real(x), real(out));
    }
    void column_sums(int rows, int cols, const float* x, float* out) override {
        ref().column_sums(rows, cols, real(x), real(out));
    }
    void add_bias_relu(int rows, int cols, const float* bias, float* x, float* y) override {
        ref().add_bias_relu(rows, cols, real(bias), real(x), real(y));
    }
    void add_bias(int rows, int cols, const float* bias, float* x) override {
        ref().add_bias(rows, cols, real(bias), real(x));
    }
    void add_column_sums(int rows, int cols, const float* x, float* out) override {
        ref().add_column_sums(rows, cols, real(x), real(out));
    }
    void relu_forward(size_t n, const float* x, float* y) override {
        ref().relu_forward(n, real(x), real(y));
    }
    void relu_backward(size_t n, const float* x, const float* dy, float* dx) override {
        ref().relu_backward(n, real(x), real(dy), real(dx));
    }
    double softmax_cross_entropy(int batch, int classes, const float* logits, const int32_t* labels,
                                 float* dlogits, int* n_correct) override {
        return ref().softmax_cross_entropy(batch, classes, real(logits), real(labels),
                                           real(dlogits), real(n_correct));
    }
    void softmax_cross_entropy_to(int batch, int classes, const float* logits,
                                  const int32_t* labels, float* dlogits, double* loss_sum) override {
        ref().softmax_cross_entropy_to(batch, classes, real(logits), real(labels), real(dlogits),
                                       real(loss_sum));
    }
    void add_mean(size_t n, const double* x, double divisor, double* acc) override {
        ref().add_mean(n, real(x), divisor, real(acc));
    }
    void conv_forward(const ConvGeometry& g, int filters, const float* image, const float* kernel,
                      float* y) override {
        ref().conv_forward(g, filters, real(image), real(kernel), real(y));
    }
    void conv_kernel_gradient(const ConvGeometry& g, int filters, const float* image,
                              const float* dy, float* dkernel) override {
        ref().conv_kernel_gradient(g, filters, real(image), real(dy), real(dkernel));
    }
    void col2im(const ConvGeometry& g, const float* cols, float* image) override {
        ref().col2im(g, real(cols), real(image));
    }
    void maxpool_forward(const ConvGeometry& g, const float* x, float* y, int32_t* argmax) override {
        ref().maxpool_forward(g, real(x), real(y), real(argmax));
    }
    void maxpool_backward(const ConvGeometry& g, size_t n_out, const float* dy,
                          const int32_t* argmax, float* dx) override {
        ref().maxpool_backward(g, n_out, real(dy), real(argmax), real(dx));
    }
    void walsh_hadamard(size_t n, float* x) override { ref().walsh_hadamard(n, real(x)); }
    void walsh_hadamard_leading(size_t n, size_t block, size_t rows, float* x) override {
        ref().walsh_hadamard_leading(n, block, rows, real(x));
    }
    void dense_projection_rows(uint64_t seed, size_t row_begin, size_t rows, size_t dim_sub,
                               const double* norms, float* out) override {
        ref().dense_projection_rows(seed, row_begin, rows, dim_sub, real(norms), real(out));
    }
    void sparse_gemv(const SparseMatrix& a, float alpha, const float* x, float beta,
                     float* y) override {
        ref().sparse_gemv(real(a), alpha, real(x), beta, real(y));
    }
    void sparse_gemv_transposed(const SparseMatrix& a, float alpha, const float* y, float beta,
                                float* x) override {
        ref().sparse_gemv_transposed(real(a), alpha, real(y), beta, real(x));
    }
    void sgd_momentum_step(size_t n, float lr, float momentum, const float* grad, float* velocity,
                           float* param) override {
        ref().sgd_momentum_step(n, lr, momentum, real(grad), real(velocity), real(param));
    }
    void adam_step(size_t n, float lr, float beta1, float beta2, float epsilon, int64_t step,
                   const float* grad, float* m, float* v, float* param) override {
        ref().adam_step(n, lr, beta1, beta2, epsilon, step, real(grad), real(m), real(v), real(param));
    }

private:
    char* const shadow_;
    char* const store_;
    std::mutex mutex_;
    size_t used_ = 0;
    std::multimap<size_t, size_t> free_;   // size → offset

    static Backend& ref() { return reference_backend_instance(); }
    SparseMatrix real(const SparseMatrix& a) const {
        SparseMatrix t = a;
        t.row_start = real(a.row_start);
        t.col_index = real(a.col_index);
        t.value = real(a.value);
        return t;
    }
    // Where the bytes behind a backend address live; host addresses pass through.
    template <class T>
    T* real(T* p) const {
        const char* c = reinterpret_cast<const char*>(p);
        if (c < shadow_ || c >= shadow_ + kSpan) return p;
        return reinterpret_cast<T*>(const_cast<char*>(store_ + (c - shadow_)));
    }
};

}  // namespace

Backend& remote_backend_instance() {
    static RemoteBackend instance;
    return instance;
}

}  // namespace idim
