// A backend that counts what goes through the seam and hands every call on to another backend:
// kernel calls ("ops", each a launch on a device), uploads and downloads (each a host wait on a
// device: a kernel that returns a number to the host, as softmax_cross_entropy and dot, counts as a
// download too) and allocations. It works over any backend, so the counts of a step are measured
// on the CPU for the one a GPU would run (`idim subspace --op-stats`).
#pragma once
#include <atomic>
#include <cstdint>

#include "idim/backend.h"

namespace idim {

struct OpCounts {
    int64_t ops = 0, uploads = 0, downloads = 0, allocations = 0;
    OpCounts operator-(const OpCounts& o) const {
        return {ops - o.ops, uploads - o.uploads, downloads - o.downloads,
                allocations - o.allocations};
    }
    OpCounts& operator+=(const OpCounts& o) {
        ops += o.ops, uploads += o.uploads, downloads += o.downloads, allocations += o.allocations;
        return *this;
    }
};

class CountingBackend final : public Backend {
public:
    explicit CountingBackend(Backend& inner) : inner_(inner) {}
    OpCounts counts() const;

    std::string name() const override { return inner_.name(); }
    std::string description() const override { return inner_.description(); }
    void set_threads(int n_threads) override { inner_.set_threads(n_threads); }
    void* allocate(size_t bytes) override;
    void deallocate(void* p, size_t bytes) override { inner_.deallocate(p, bytes); }
    void upload(const void* host, size_t bytes, void* dst) override;
    void download(const void* src, size_t bytes, void* host) override;
    bool host_addressable() const override { return inner_.host_addressable(); }
    Backend& memory_owner() override { return inner_.memory_owner(); }
    int batch_shards() const override { return inner_.batch_shards(); }
    void parallel_for(size_t n, const std::function<void(size_t)>& f) override {
        inner_.parallel_for(n, f);
    }
    void run_shards(int shards, const std::function<void(int)>& f) override {
        inner_.run_shards(shards, f);
    }

    void gemm(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha,
              const float* a, int lda, const float* b, int ldb, float beta, float* c,
              int ldc) override;
    void copy(size_t n, const float* x, float* y) override;
    void fill(size_t n, float value, float* x) override;
    void gather_rows(size_t n, const uint32_t* index, size_t row_size, const float* table,
                     float* out) override;
    void gather_ints(size_t n, const uint32_t* index, const int32_t* table, int32_t* out) override;
    void gather_scaled(size_t n, const uint32_t* index, const float* table, const float* scale,
                       float* out) override;
    void scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale, const float* x,
                            size_t m, float* out) override;
    void axpby(size_t n, float alpha, const float* x, float beta, float* y) override;
    void scale(size_t n, float alpha, float* x) override;
    double dot(size_t n, const float* x, const float* y) override;
    void multiply(size_t n, const float* x, const float* y, float* z) override;
    void add(size_t n, const float* x, const float* y, float* z) override;
    void scaled_add(size_t n, const float* alpha, const float* x, const float* base,
                    float* out) override;
    void dot_into(size_t n, const float* x, const float* y, float* out) override;
    void row_sums(size_t rows, size_t cols, const float* x, double* out) override;
    void column_sums(int rows, int cols, const float* x, float* out) override;
    void copy_twice(size_t n, const float* x, float* out) override;
    void copy_padded(size_t n, size_t total, const float* x, const float* scale,
                     float* out) override;
    void add_bias_relu(int rows, int cols, const float* bias, float* x, float* y) override;
    void add_bias(int rows, int cols, const float* bias, float* x) override;
    void add_column_sums(int rows, int cols, const float* x, float* out) override;
    void relu_forward(size_t n, const float* x, float* y) override;
    void relu_backward(size_t n, const float* x, const float* dy, float* dx) override;
    double softmax_cross_entropy(int batch, int classes, const float* logits,
                                 const int32_t* labels, float* dlogits, int* n_correct) override;
    void softmax_cross_entropy_to(int batch, int classes, const float* logits,
                                  const int32_t* labels, float* dlogits, double* loss_sum) override;
    void add_mean(size_t n, const double* x, double divisor, double* acc) override;
    void conv_forward(const ConvGeometry& g, int filters, const float* image, const float* kernel,
                      float* y) override;
    void conv_kernel_gradient(const ConvGeometry& g, int filters, const float* image,
                              const float* dy, float* dkernel) override;
    void col2im(const ConvGeometry& g, const float* cols, float* image) override;
    void maxpool_forward(const ConvGeometry& g, const float* x, float* y, int32_t* argmax) override;
    void maxpool_backward(const ConvGeometry& g, size_t n_out, const float* dy,
                          const int32_t* argmax, float* dx) override;
    void walsh_hadamard(size_t n, float* x) override;
    void walsh_hadamard_leading(size_t n, size_t block, size_t rows, float* x) override;
    void dense_projection_rows(uint64_t seed, size_t row_begin, size_t rows, size_t dim_sub,
                               const double* norms, float* out) override;
    void sparse_gemv(const SparseMatrix& a, float alpha, const float* x, float beta,
                     float* y) override;
    void sparse_gemv_transposed(const SparseMatrix& a, float alpha, const float* y, float beta,
                                float* x) override;
    void sgd_momentum_step(size_t n, float lr, float momentum, const float* grad, float* velocity,
                           float* param) override;
    void adam_step(size_t n, float lr, float beta1, float beta2, float epsilon, int64_t step,
                   const float* grad, float* m, float* v, float* param) override;

private:
    Backend& inner_;
    // Shards call kernels from several threads at once.
    std::atomic<int64_t> ops_{0}, uploads_{0}, downloads_{0}, allocations_{0};
    void op() { ops_.fetch_add(1, std::memory_order_relaxed); }
};

}  // namespace idim
