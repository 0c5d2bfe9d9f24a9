// The backend seam: every math kernel that models, projections and optimisers run goes through this
// interface. Calls are coarse (a whole batch or vector), so the virtual dispatch costs nothing.
// Implementations: "reference" (plain loops, the test oracle), "cpu" (Eigen + xsimd; also the
// WebAssembly build) and, natively, "remote" (the reference kernels over memory the host cannot
// read: the test that host code keeps its hands off backend memory), and with IDIM_CUDA "cuda"
// (an NVIDIA GPU through cuBLAS and the kernels in src/cuda/; docs/gpu.md), all registered in
// backend_registry.cpp.
// Arrays are row-major float32; shapes are written beside each argument. Memory the backend
// allocates (Buffer, buffer.h) is the backend's: host code moves data in and out only through
// upload and download. cpu and reference are host_addressable, so kernels there also take host
// arrays in place.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace idim {

enum class Transpose { no, yes };

// See Backend::scatter_sum_scaled: parts a thread can sum on its own, fixed so results do not
// depend on the thread count.
constexpr size_t scatter_sum_parts = 4;

struct ConvGeometry {       // one 2-D convolution or pooling window, NHWC layout
    int batch, height, width, channels;   // input (batch, height, width, channels)
    int kernel_h, kernel_w;
    int stride, pad;                      // pad: zeros added on each side
    int out_h() const { return (height + 2 * pad - kernel_h) / stride + 1; }
    int out_w() const { return (width + 2 * pad - kernel_w) / stride + 1; }
};

struct SparseMatrix {       // compressed sparse rows, rows x cols; the arrays in backend memory
    int64_t rows = 0, cols = 0, nnz = 0;
    const int64_t* row_start = nullptr;   // (rows + 1), from 0 to nnz
    const int32_t* col_index = nullptr;   // (nnz)
    const float* value = nullptr;         // (nnz)
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;
    // One line for `idim info`: the name, and for a device its model, memory and capability.
    virtual std::string description() const { return name(); }
    // Threads for the kernels' and projections' parallel loops. OpenMP keeps this per calling
    // thread: code that trains from several threads of its own calls it in each of them.
    virtual void set_threads(int n_threads) = 0;

    // Backend memory: zero-filled, 64-byte aligned; freed with the size it was allocated with.
    // The defaults are host memory, for backends whose kernels run on the host.
    virtual void* allocate(size_t bytes);
    virtual void deallocate(void* p, size_t bytes);
    virtual void upload(const void* host, size_t bytes, void* dst);      // host → backend
    virtual void download(const void* src, size_t bytes, void* host);    // backend → host
    // Whether host code may read and write the backend's memory directly.
    virtual bool host_addressable() const { return true; }
    // The backend whose memory this is: itself, or for a wrapper that lives only as long as a run
    // (op counting, op_counter.h) the one it wraps. Memory kept across runs (a data set uploaded
    // once per process) is allocated there, so it outlives the wrapper.
    virtual Backend& memory_owner() { return *this; }

    // Data parallelism over a batch: a model's forward and backward pass may be cut into this many
    // sub-batches ("shards") run at once, one per host thread, their gradients summed after. The
    // cpu backend offers its thread count: each thread then runs a whole small network on its own
    // core's cache instead of meeting the other at every kernel. 1 (the default) where kernels run
    // on one thread or on a device.
    virtual int batch_shards() const { return 1; }
    // f(0) … f(n − 1) for host work that needs no kernel (drawing a projection's entries), on the
    // backend's host threads where it has them; each f(i) must not depend on another's result.
    virtual void parallel_for(size_t n, const std::function<void(size_t)>& f) {
        for (size_t i = 0; i < n; ++i) f(i);
    }
    // f(0) … f(shards − 1), each on a host thread of its own; a kernel called from inside runs on
    // its caller's thread. An exception from a shard is rethrown after every shard has ended.
    virtual void run_shards(int shards, const std::function<void(int)>& f) {
        for (int s = 0; s < shards; ++s) f(s);
    }

    // c(m,n) = alpha * op(a)(m,k) * op(b)(k,n) + beta * c; lda/ldb/ldc are row strides of the
    // stored (untransposed) arrays.
    virtual void gemm(Transpose trans_a, Transpose trans_b, int m, int n, int k, float alpha,
                      const float* a, int lda, const float* b, int ldb, float beta, float* c,
                      int ldc) = 0;

    // Element-wise and reductions over n floats.
    virtual void copy(size_t n, const float* x, float* y) = 0;                            // y = x
    virtual void fill(size_t n, float value, float* x) = 0;                               // x = value
    // out(n, row_size) = table's rows index[0 .. n) (a mini-batch gathered from a data set)
    virtual void gather_rows(size_t n, const uint32_t* index, size_t row_size, const float* table,
                             float* out) = 0;
    // out[i] = table[index[i]] (a mini-batch's labels)
    virtual void gather_ints(size_t n, const uint32_t* index, const int32_t* table, int32_t* out);
    // out[i] = scale[i]·table[index[i]], index entries below 2^31 (Fastfood's G·Π and Πᵀ·G)
    virtual void gather_scaled(size_t n, const uint32_t* index, const float* table,
                               const float* scale, float* out) = 0;
    // out[t] = Σ scale[i]·x[i] over the i < n with index[i] = t, for t < m (Fastfood's Πᵀ·G folded
    // onto one block). The order is part of the result: n is cut into scatter_sum_parts equal runs
    // (part p: i from p·n/parts), each summed from +0 in increasing i, then the parts added in
    // order, ((p0 + p1) + p2) + p3 — the same bits on every backend and for any thread count.
    virtual void scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale,
                                    const float* x, size_t m, float* out) = 0;
    virtual void axpby(size_t n, float alpha, const float* x, float beta, float* y) = 0;  // y = αx + βy
    virtual void scale(size_t n, float alpha, float* x) = 0;                              // x *= α
    virtual double dot(size_t n, const float* x, const float* y) = 0;                     // Σ x·y
    virtual void multiply(size_t n, const float* x, const float* y, float* z) = 0;        // z = x ⊙ y
    virtual void add(size_t n, const float* x, const float* y, float* z) = 0;             // z = x + y
    // out(total) = [scale ⊙ x; 0]: out[i] = scale[i]·x[i] (x[i] where scale is null) for i < n,
    // +0 up to total — multiply or copy, then fill, in one call (Fastfood's padded vectors).
    virtual void copy_padded(size_t n, size_t total, const float* x, const float* scale,
                             float* out);
    // out(2n) = [x + 0; x]: x twice, −0 made +0 in the first copy (Fastfood's lookup table,
    // projection_fastfood.cpp), one call for what fill, add and copy would do.
    virtual void copy_twice(size_t n, const float* x, float* out);
    // out = base + α·x with α the float at `alpha` in backend memory (out = α·x if base is null):
    // a scale that lives on the backend, as SAID's trained λ, is never read by the host.
    virtual void scaled_add(size_t n, const float* alpha, const float* x, const float* base,
                            float* out);
    virtual void dot_into(size_t n, const float* x, const float* y, float* out);  // *out = Σ x·y
    // out(rows) = Σ_j x(rows, cols), each row summed in double from 0 in increasing j
    virtual void row_sums(size_t rows, size_t cols, const float* x, double* out);

    // x(rows,cols) += bias(cols)
    virtual void add_bias(int rows, int cols, const float* bias, float* x) = 0;
    // add_bias, then y = max(x, 0) (relu_forward) in the same pass: x keeps the pre-activation
    // that relu_backward reads.
    virtual void add_bias_relu(int rows, int cols, const float* bias, float* x, float* y);
    // out(cols) += Σ_rows x(rows,cols)
    virtual void add_column_sums(int rows, int cols, const float* x, float* out) = 0;
    // out(cols) = Σ_rows x(rows,cols): add_column_sums onto +0 (a bias's gradient), one call
    // where fill and add_column_sums would be two launches on a device.
    virtual void column_sums(int rows, int cols, const float* x, float* out);

    virtual void relu_forward(size_t n, const float* x, float* y) = 0;                    // y = max(x,0)
    virtual void relu_backward(size_t n, const float* x, const float* dy, float* dx) = 0; // dx = dy·[x>0]

    // logits (batch,classes), labels (batch). Returns Σ over the batch of -log softmax[label];
    // writes dlogits = (softmax - onehot) / batch when dlogits is not null, and counts argmax hits.
    virtual double softmax_cross_entropy(int batch, int classes, const float* logits,
                                         const int32_t* labels, float* dlogits,
                                         int* n_correct) = 0;
    // The same with the loss left in backend memory: *loss_sum (a double there) = the batch's
    // Σ −log softmax[label], no hits counted. A training step then has no host wait (a device's
    // rows with a label out of range make it NaN, read as divergence).
    virtual void softmax_cross_entropy_to(int batch, int classes, const float* logits,
                                          const int32_t* labels, float* dlogits, double* loss_sum);
    // *acc += (x[0] + … + x[n − 1]) / divisor, summed in double from +0 in increasing i; x and
    // acc in backend memory (a step's mean loss over its shards, onto the epoch's sum).
    virtual void add_mean(size_t n, const double* x, double divisor, double* acc);

    // Convolution of NHWC images with a kernel stored (kh·kw·channels, filters), row-major. With
    // windows (batch·out_h·out_w, kh·kw·channels) the matrix of every output's window (zeros
    // where it covers the padding): y (batch·out_h·out_w, filters) = windows·kernel, and
    // dkernel (kh·kw·channels, filters) = windowsᵀ·dy, both overwritten; col2im adds a matrix
    // shaped like windows back into an image gradient (which it does not clear).
    virtual void conv_forward(const ConvGeometry& g, int filters, const float* image,
                              const float* kernel, float* y) = 0;
    virtual void conv_kernel_gradient(const ConvGeometry& g, int filters, const float* image,
                                      const float* dy, float* dkernel) = 0;
    virtual void col2im(const ConvGeometry& g, const float* cols, float* image) = 0;
    // Max pooling; argmax (batch·out_h·out_w·channels) records the winning input index.
    virtual void maxpool_forward(const ConvGeometry& g, const float* x, float* y,
                                 int32_t* argmax) = 0;
    // dx (not cleared) += dy scattered to the argmax positions
    virtual void maxpool_backward(const ConvGeometry& g, size_t n_out, const float* dy,
                                  const int32_t* argmax, float* dx) = 0;

    // Unnormalised Walsh–Hadamard transform in place; n is a power of two.
    virtual void walsh_hadamard(size_t n, float* x) = 0;
    // The first `rows` entries of the transform of x (n, block powers of two, rows ≤ block ≤ n):
    // each block of x transformed, then the butterflies of strides block … n/2 only into the first
    // `rows` entries of each block, x[i + k] += x[i + h + k] for h = block, 2·block, …, every i a
    // multiple of 2h, k < rows, in that order (the rest of x is left partial).
    virtual void walsh_hadamard_leading(size_t n, size_t block, size_t rows, float* x);

    // Rows [row_begin, row_begin + rows) of the dense projection P (d = dim_sub columns) of this
    // seed, given its column norms (projection.h: dense_column_norms), into out (rows, d).
    virtual void dense_projection_rows(uint64_t seed, size_t row_begin, size_t rows,
                                       size_t dim_sub, const double* norms, float* out);

    // y(rows) = alpha · A·x + beta · y and x(cols) = alpha · Aᵀ·y + beta · x
    virtual void sparse_gemv(const SparseMatrix& a, float alpha, const float* x, float beta,
                             float* y) = 0;
    virtual void sparse_gemv_transposed(const SparseMatrix& a, float alpha, const float* y,
                                        float beta, float* x) = 0;

    // Optimiser updates over n parameters (see optimizer.h for the formulas).
    virtual void sgd_momentum_step(size_t n, float lr, float momentum, const float* grad,
                                   float* velocity, float* param) = 0;
    virtual void adam_step(size_t n, float lr, float beta1, float beta2, float epsilon,
                           int64_t step, const float* grad, float* m, float* v, float* param) = 0;
};

// "cpu" (default), "reference" or "remote" (native builds); throws idim::Error naming the known
// ones otherwise.
Backend& backend_by_name(const std::string& name);
Backend& default_backend();   // "cpu", or the backend the environment variable IDIM_BACKEND names
std::vector<std::string> backend_names();

}  // namespace idim
