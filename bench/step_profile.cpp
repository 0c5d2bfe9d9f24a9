// Where a training step's time goes, call by call: the core's Trainer, as the benchmarks step it,
// on a backend that times every call it forwards (by kind and shape), the per-step mean of each
// after a warm-up.
// A batch run as shards: the shards' wall time as one row, and below it, indented, shard 0's own
// calls (the other shards run the same calls on their sub-batches at the same time).
// Run: step_profile [fc|lenet] [threads] [steps] [projection d]   (batch 128, Adam; full training
// unless a projection kind — dense, sparse, fastfood — and d are given)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include "bench_common.h"
#include "idim/backend.h"

namespace idim::bench {
namespace {

using Clock = std::chrono::steady_clock;

class TimingBackend final : public Backend {
public:
    explicit TimingBackend(Backend& inner) : inner_(inner) {}
    std::map<std::string, double> micros;  // per kind and shape, summed over calls

    std::string name() const override { return inner_.name(); }
    void set_threads(int n) override { inner_.set_threads(n); }
    int batch_shards() const override { return inner_.batch_shards(); }
    void run_shards(int shards, const std::function<void(int)>& f) override {
        timed("shards (" + std::to_string(shards) + " at once)", [&] {
            inner_.run_shards(shards, [&](int s) {
                shard_ = s;
                f(s);
                shard_ = kNoShard;
            });
        });
    }
    void gemm(Transpose ta, Transpose tb, int m, int n, int k, float alpha, const float* a,
              int lda, const float* b, int ldb, float beta, float* c, int ldc) override {
        std::string shape = std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) +
                            (ta == Transpose::yes ? " Aᵀ" : "") +
                            (tb == Transpose::yes ? " Bᵀ" : "");
        timed("gemm " + shape,
              [&] { inner_.gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); });
    }
    void copy(size_t n, const float* x, float* y) override {
        timed("copy " + std::to_string(n), [&] { inner_.copy(n, x, y); });
    }
    void fill(size_t n, float v, float* x) override {
        timed("fill " + std::to_string(n), [&] { inner_.fill(n, v, x); });
    }
    void gather_rows(size_t n, const uint32_t* index, size_t row, const float* table,
                     float* out) override {
        timed("gather_rows", [&] { inner_.gather_rows(n, index, row, table, out); });
    }
    void gather_scaled(size_t n, const uint32_t* index, const float* table, const float* scale,
                       float* out) override {
        timed("gather_scaled " + std::to_string(n),
              [&] { inner_.gather_scaled(n, index, table, scale, out); });
    }
    void scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale, const float* x,
                            size_t m, float* out) override {
        timed("scatter_sum_scaled " + std::to_string(n) + " onto " + std::to_string(m),
              [&] { inner_.scatter_sum_scaled(n, index, scale, x, m, out); });
    }
    void axpby(size_t n, float a, const float* x, float b, float* y) override {
        timed("axpby", [&] { inner_.axpby(n, a, x, b, y); });
    }
    void scale(size_t n, float a, float* x) override {
        timed("scale", [&] { inner_.scale(n, a, x); });
    }
    double dot(size_t n, const float* x, const float* y) override {
        double r = 0;
        timed("dot", [&] { r = inner_.dot(n, x, y); });
        return r;
    }
    void multiply(size_t n, const float* x, const float* y, float* z) override {
        timed("multiply", [&] { inner_.multiply(n, x, y, z); });
    }
    void add(size_t n, const float* x, const float* y, float* z) override {
        timed("add " + std::to_string(n), [&] { inner_.add(n, x, y, z); });
    }
    void add_bias(int rows, int cols, const float* bias, float* x) override {
        timed("add_bias " + std::to_string(cols), [&] { inner_.add_bias(rows, cols, bias, x); });
    }
    void add_column_sums(int rows, int cols, const float* x, float* out) override {
        timed("add_column_sums " + std::to_string(cols),
              [&] { inner_.add_column_sums(rows, cols, x, out); });
    }
    void relu_forward(size_t n, const float* x, float* y) override {
        timed("relu_forward", [&] { inner_.relu_forward(n, x, y); });
    }
    void relu_backward(size_t n, const float* x, const float* dy, float* dx) override {
        timed("relu_backward", [&] { inner_.relu_backward(n, x, dy, dx); });
    }
    double softmax_cross_entropy(int batch, int classes, const float* logits,
                                 const int32_t* labels, float* dlogits, int* correct) override {
        double r = 0;
        timed("softmax_cross_entropy", [&] {
            r = inner_.softmax_cross_entropy(batch, classes, logits, labels, dlogits, correct);
        });
        return r;
    }
    void conv_forward(const ConvGeometry& g, int filters, const float* image,
                      const float* kernel, float* y) override {
        timed("conv_forward " + std::to_string(filters),
              [&] { inner_.conv_forward(g, filters, image, kernel, y); });
    }
    void conv_kernel_gradient(const ConvGeometry& g, int filters, const float* image,
                              const float* dy, float* dkernel) override {
        timed("conv_kernel_gradient " + std::to_string(filters),
              [&] { inner_.conv_kernel_gradient(g, filters, image, dy, dkernel); });
    }
    void col2im(const ConvGeometry& g, const float* cols, float* image) override {
        timed("col2im", [&] { inner_.col2im(g, cols, image); });
    }
    void maxpool_forward(const ConvGeometry& g, const float* x, float* y, int32_t* arg) override {
        timed("maxpool_forward", [&] { inner_.maxpool_forward(g, x, y, arg); });
    }
    void maxpool_backward(const ConvGeometry& g, size_t n, const float* dy, const int32_t* arg,
                          float* dx) override {
        timed("maxpool_backward", [&] { inner_.maxpool_backward(g, n, dy, arg, dx); });
    }
    void walsh_hadamard(size_t n, float* x) override {
        timed("walsh_hadamard " + std::to_string(n), [&] { inner_.walsh_hadamard(n, x); });
    }
    void sparse_gemv(const SparseMatrix& a, float alpha, const float* x, float beta,
                     float* y) override {
        timed("sparse_gemv", [&] { inner_.sparse_gemv(a, alpha, x, beta, y); });
    }
    void sparse_gemv_transposed(const SparseMatrix& a, float alpha, const float* y, float beta,
                                float* x) override {
        timed("sparse_gemv_transposed",
              [&] { inner_.sparse_gemv_transposed(a, alpha, y, beta, x); });
    }
    void sgd_momentum_step(size_t n, float lr, float mu, const float* g, float* v,
                           float* p) override {
        timed("sgd_momentum_step", [&] { inner_.sgd_momentum_step(n, lr, mu, g, v, p); });
    }
    void adam_step(size_t n, float lr, float b1, float b2, float eps, int64_t step, const float* g,
                   float* m, float* v, float* p) override {
        timed("adam_step", [&] { inner_.adam_step(n, lr, b1, b2, eps, step, g, m, v, p); });
    }

    static bool inside_shards(const std::string& what) { return what.rfind("  ", 0) == 0; }

private:
    static constexpr int kNoShard = -1;
    static thread_local int shard_;
    Backend& inner_;
    std::mutex mutex_;
    template <class F>
    void timed(const std::string& what, F call) {
        const auto start = Clock::now();
        call();
        const double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
        if (shard_ > 0) return;   // shard 0's calls stand for all shards'
        // Fastfood's contract calls the transform from its own parallel loop: those calls add up
        // the time of every thread.
        std::lock_guard<std::mutex> lock(mutex_);
        micros[shard_ == 0 ? "  " + what : what] += us;
    }
};

thread_local int TimingBackend::shard_ = TimingBackend::kNoShard;

// Full training, or training in a d-dimensional subspace through a projection of `kind`.
SubspaceSpec spec_for(const std::string& kind, size_t d) {
    return kind.empty() ? bench_spec(Method::full) : bench_spec(Method::subspace, parse_projection(kind), d);
}

int run(const std::string& model_name, int threads, int steps, const std::string& kind, size_t d) {
    Backend& cpu = default_backend();
    cpu.set_threads(threads);
    TimingBackend be(cpu);
    Training training = make_training(bench_model(model_name), spec_for(kind, d), be);
    for (int i = 0; i < 20; ++i) training.step();  // warm: buffers sized, threads started
    be.micros.clear();
    const auto start = Clock::now();
    for (int i = 0; i < steps; ++i) training.step();
    const double step =
        std::chrono::duration<double, std::micro>(Clock::now() - start).count() / steps;
    std::vector<std::pair<double, std::string>> rows, shard_rows;
    double in_calls = 0;
    for (const auto& [what, total] : be.micros) {
        const bool in_shard = TimingBackend::inside_shards(what);
        (in_shard ? shard_rows : rows).emplace_back(total / steps, what);
        if (!in_shard) in_calls += total / steps;
    }
    std::sort(rows.rbegin(), rows.rend());
    std::sort(shard_rows.rbegin(), shard_rows.rend());
    std::printf("%s%s, %d thread(s), mean of %d steps (µs per step)\n", model_name.c_str(),
                kind.empty() ? "" : (", " + kind + " d = " + std::to_string(d)).c_str(), threads,
                steps);
    for (const auto& [us, what] : rows) {
        std::printf("%9.1f  %s\n", us, what.c_str());
        if (what.rfind("shards", 0) == 0)
            for (const auto& [shard_us, call] : shard_rows)
                std::printf("%9.1f  %s\n", shard_us, call.c_str());
    }
    std::printf("%9.1f  outside the backend\n%9.1f  whole step\n", step - in_calls, step);
    return 0;
}

}  // namespace
}  // namespace idim::bench

int main(int argc, char** argv) {
    const std::string model = argc > 1 ? argv[1] : "fc";
    const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
    const int steps = argc > 3 ? std::atoi(argv[3]) : 500;
    const std::string kind = argc > 4 ? argv[4] : "";
    const long d = argc > 5 ? std::atol(argv[5]) : 0;
    if ((model != "fc" && model != "lenet") || threads < 1 || steps < 1 ||
        (!kind.empty() && d < 1)) {
        std::fprintf(stderr, "usage: step_profile [fc|lenet] [threads ≥ 1] [steps ≥ 1] "
                             "[dense|sparse|fastfood d ≥ 1]\n");
        return 2;
    }
    try {
        return idim::bench::run(model, threads, steps, kind, size_t(d));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "step_profile: %s\n", e.what());
        return 1;
    }
}
