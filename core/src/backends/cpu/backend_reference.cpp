// Plain-loop kernels (see backend_reference.h). Accumulations are in double where a sum is long,
// so the oracle is more accurate than what it checks.
#include "backends/cpu/backend_reference.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace idim {
namespace {

float element(const float* a, int ld, Transpose t, int row, int col) {
    return t == Transpose::no ? a[size_t(row) * ld + col] : a[size_t(col) * ld + row];
}

// f(p, value) over the window of output (b, oy, ox) in (ky, kx, c) order, value 0 in the padding.
template <class F>
void for_window(const ConvGeometry& g, const float* image, int b, int oy, int ox, F f) {
    size_t p = 0;
    for (int ky = 0; ky < g.kernel_h; ++ky)
        for (int kx = 0; kx < g.kernel_w; ++kx)
            for (int c = 0; c < g.channels; ++c, ++p) {
                const int y = oy * g.stride + ky - g.pad, x = ox * g.stride + kx - g.pad;
                const bool inside = y >= 0 && y < g.height && x >= 0 && x < g.width;
                f(p, inside ? image[((size_t(b) * g.height + y) * g.width + x) * g.channels + c]
                            : 0.0f);
            }
}

class ReferenceBackend final : public Backend {
public:
    std::string name() const override { return "reference"; }
    void set_threads(int) override {}

    void gemm(Transpose ta, Transpose tb, int m, int n, int k, float alpha, const float* a,
              int lda, const float* b, int ldb, float beta, float* c, int ldc) override {
        for (int i = 0; i < m; ++i)
            for (int j = 0; j < n; ++j) {
                double sum = 0;
                for (int p = 0; p < k; ++p)
                    sum += double(element(a, lda, ta, i, p)) * element(b, ldb, tb, p, j);
                float& out = c[size_t(i) * ldc + j];
                out = float(alpha * sum + (beta == 0.0f ? 0.0 : double(beta) * out));
            }
    }

    void copy(size_t n, const float* x, float* y) override { std::copy(x, x + n, y); }
    void fill(size_t n, float value, float* x) override { std::fill(x, x + n, value); }
    void gather_rows(size_t n, const uint32_t* index, size_t row_size, const float* table,
                     float* out) override {
        for (size_t i = 0; i < n; ++i)
            std::copy_n(table + size_t(index[i]) * row_size, row_size, out + i * row_size);
    }
    void gather_scaled(size_t n, const uint32_t* index, const float* table, const float* scale,
                       float* out) override {
        for (size_t i = 0; i < n; ++i) out[i] = scale[i] * table[index[i]];
    }
    void scatter_sum_scaled(size_t n, const uint32_t* index, const float* scale, const float* x,
                            size_t m, float* out) override {
        std::vector<float> part(m);
        for (size_t p = 0; p < scatter_sum_parts; ++p) {
            std::fill(part.begin(), part.end(), 0.0f);
            for (size_t i = p * n / scatter_sum_parts; i < (p + 1) * n / scatter_sum_parts; ++i)
                part[index[i]] += scale[i] * x[i];
            for (size_t t = 0; t < m; ++t) out[t] = p == 0 ? part[t] : out[t] + part[t];
        }
    }
    void axpby(size_t n, float alpha, const float* x, float beta, float* y) override {
        for (size_t i = 0; i < n; ++i) y[i] = alpha * x[i] + (beta == 0.0f ? 0.0f : beta * y[i]);
    }
    void scale(size_t n, float alpha, float* x) override {
        for (size_t i = 0; i < n; ++i) x[i] *= alpha;
    }
    double dot(size_t n, const float* x, const float* y) override {
        double sum = 0;
        for (size_t i = 0; i < n; ++i) sum += double(x[i]) * y[i];
        return sum;
    }
    void multiply(size_t n, const float* x, const float* y, float* z) override {
        for (size_t i = 0; i < n; ++i) z[i] = x[i] * y[i];
    }
    void add(size_t n, const float* x, const float* y, float* z) override {
        for (size_t i = 0; i < n; ++i) z[i] = x[i] + y[i];
    }

    void copy_padded(size_t n, size_t total, const float* x, const float* scale,
                     float* out) override {
        for (size_t i = 0; i < n; ++i) out[i] = scale ? scale[i] * x[i] : x[i];
        for (size_t i = n; i < total; ++i) out[i] = 0.0f;
    }
    void copy_twice(size_t n, const float* x, float* out) override {
        for (size_t i = 0; i < n; ++i) {
            out[i] = x[i] + 0.0f;
            out[n + i] = x[i];
        }
    }

    void add_bias(int rows, int cols, const float* bias, float* x) override {
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) x[size_t(r) * cols + c] += bias[c];
    }
    void add_bias_relu(int rows, int cols, const float* bias, float* x, float* y) override {
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) {
                const size_t i = size_t(r) * cols + c;
                x[i] += bias[c];
                y[i] = x[i] > 0 ? x[i] : 0.0f;
            }
    }
    void add_column_sums(int rows, int cols, const float* x, float* out) override {
        for (int c = 0; c < cols; ++c) {
            double sum = 0;
            for (int r = 0; r < rows; ++r) sum += x[size_t(r) * cols + c];
            out[c] += float(sum);
        }
    }
    void column_sums(int rows, int cols, const float* x, float* out) override {
        for (int c = 0; c < cols; ++c) out[c] = 0.0f;
        add_column_sums(rows, cols, x, out);
    }

    void relu_forward(size_t n, const float* x, float* y) override {
        for (size_t i = 0; i < n; ++i) y[i] = x[i] > 0 ? x[i] : 0.0f;
    }
    void relu_backward(size_t n, const float* x, const float* dy, float* dx) override {
        for (size_t i = 0; i < n; ++i) dx[i] = x[i] > 0 ? dy[i] : 0.0f;
    }

    double softmax_cross_entropy(int batch, int classes, const float* logits,
                                 const int32_t* labels, float* dlogits, int* n_correct) override {
        double loss = 0;
        int correct = 0;
        for (int b = 0; b < batch; ++b) {
            const float* z = logits + size_t(b) * classes;
            int best = 0;
            for (int c = 1; c < classes; ++c)
                if (z[c] > z[best]) best = c;
            double sum = 0;
            for (int c = 0; c < classes; ++c) sum += std::exp(double(z[c]) - z[best]);
            double log_sum = std::log(sum) + z[best];
            loss += log_sum - z[labels[b]];
            correct += best == labels[b];
            if (!dlogits) continue;
            for (int c = 0; c < classes; ++c) {
                double p = std::exp(double(z[c]) - log_sum);
                dlogits[size_t(b) * classes + c] = float((p - (c == labels[b])) / batch);
            }
        }
        if (n_correct) *n_correct = correct;
        return loss;
    }

    // y(q, f) = Σ_p windows(q, p)·kernel(p, f), summed in double over the window in (ky, kx, c)
    // order; dkernel(p, f) = Σ_q windows(q, p)·dy(q, f) in double over the outputs in order.
    void conv_forward(const ConvGeometry& g, int filters, const float* image,
                      const float* kernel, float* y) override {
        size_t q = 0;
        for (int b = 0; b < g.batch; ++b)
            for (int oy = 0; oy < g.out_h(); ++oy)
                for (int ox = 0; ox < g.out_w(); ++ox, ++q)
                    for (int f = 0; f < filters; ++f) {
                        double sum = 0;
                        for_window(g, image, b, oy, ox, [&](size_t p, float value) {
                            sum += double(value) * kernel[p * filters + f];
                        });
                        y[q * filters + f] = float(sum);
                    }
    }
    void conv_kernel_gradient(const ConvGeometry& g, int filters, const float* image,
                              const float* dy, float* dkernel) override {
        const size_t patch = size_t(g.kernel_h) * g.kernel_w * g.channels;
        std::vector<double> sums(patch * filters, 0.0);
        size_t q = 0;
        for (int b = 0; b < g.batch; ++b)
            for (int oy = 0; oy < g.out_h(); ++oy)
                for (int ox = 0; ox < g.out_w(); ++ox, ++q)
                    for_window(g, image, b, oy, ox, [&](size_t p, float value) {
                        for (int f = 0; f < filters; ++f)
                            sums[p * filters + f] += double(value) * dy[q * filters + f];
                    });
        for (size_t i = 0; i < sums.size(); ++i) dkernel[i] = float(sums[i]);
    }
    void col2im(const ConvGeometry& g, const float* cols, float* image) override {
        size_t row = 0;
        for (int b = 0; b < g.batch; ++b)
            for (int oy = 0; oy < g.out_h(); ++oy)
                for (int ox = 0; ox < g.out_w(); ++ox, ++row) {
                    const float* in = cols + row * size_t(g.kernel_h * g.kernel_w * g.channels);
                    for (int ky = 0; ky < g.kernel_h; ++ky)
                        for (int kx = 0; kx < g.kernel_w; ++kx)
                            for (int c = 0; c < g.channels; ++c, ++in) {
                                int y = oy * g.stride + ky - g.pad, x = ox * g.stride + kx - g.pad;
                                if (y >= 0 && y < g.height && x >= 0 && x < g.width)
                                    image[((size_t(b) * g.height + y) * g.width + x) * g.channels +
                                          c] += *in;
                            }
                }
    }

    void maxpool_forward(const ConvGeometry& g, const float* x, float* y,
                         int32_t* argmax) override {
        size_t out = 0;
        for (int b = 0; b < g.batch; ++b)
            for (int oy = 0; oy < g.out_h(); ++oy)
                for (int ox = 0; ox < g.out_w(); ++ox)
                    for (int c = 0; c < g.channels; ++c, ++out) {
                        int32_t best = -1;
                        for (int ky = 0; ky < g.kernel_h; ++ky)
                            for (int kx = 0; kx < g.kernel_w; ++kx) {
                                int iy = oy * g.stride + ky - g.pad, ix = ox * g.stride + kx - g.pad;
                                if (iy < 0 || iy >= g.height || ix < 0 || ix >= g.width) continue;
                                int32_t i = int32_t(((size_t(b) * g.height + iy) * g.width + ix) *
                                                        g.channels + c);
                                if (best < 0 || x[i] > x[best]) best = i;
                            }
                        y[out] = x[best];
                        argmax[out] = best;
                    }
    }
    void maxpool_backward(const ConvGeometry&, size_t n_out, const float* dy,
                          const int32_t* argmax, float* dx) override {
        for (size_t i = 0; i < n_out; ++i) dx[argmax[i]] += dy[i];
    }

    // The textbook O(n log n) butterfly; the test also checks it against the explicit matrix.
    void walsh_hadamard(size_t n, float* x) override {
        for (size_t h = 1; h < n; h *= 2)
            for (size_t i = 0; i < n; i += 2 * h)
                for (size_t j = i; j < i + h; ++j) {
                    float a = x[j], b = x[j + h];
                    x[j] = a + b;
                    x[j + h] = a - b;
                }
    }

    void sparse_gemv(const SparseMatrix& a, float alpha, const float* x, float beta,
                     float* y) override {
        for (int64_t r = 0; r < a.rows; ++r) {
            double sum = 0;
            for (int64_t p = a.row_start[r]; p < a.row_start[r + 1]; ++p)
                sum += double(a.value[p]) * x[a.col_index[p]];
            y[r] = float(alpha * sum + (beta == 0.0f ? 0.0 : double(beta) * y[r]));
        }
    }
    void sparse_gemv_transposed(const SparseMatrix& a, float alpha, const float* y, float beta,
                                float* x) override {
        std::vector<double> sum(a.cols, 0.0);
        for (int64_t r = 0; r < a.rows; ++r)
            for (int64_t p = a.row_start[r]; p < a.row_start[r + 1]; ++p)
                sum[a.col_index[p]] += double(a.value[p]) * y[r];
        for (int64_t c = 0; c < a.cols; ++c)
            x[c] = float(alpha * sum[c] + (beta == 0.0f ? 0.0 : double(beta) * x[c]));
    }

    void sgd_momentum_step(size_t n, float lr, float momentum, const float* grad,
                           float* velocity, float* param) override {
        for (size_t i = 0; i < n; ++i) {
            velocity[i] = momentum * velocity[i] + grad[i];
            param[i] -= lr * velocity[i];
        }
    }
    void adam_step(size_t n, float lr, float beta1, float beta2, float epsilon, int64_t step,
                   const float* grad, float* m, float* v, float* param) override {
        double lr_t = lr * std::sqrt(1.0 - std::pow(double(beta2), double(step))) /
                      (1.0 - std::pow(double(beta1), double(step)));
        for (size_t i = 0; i < n; ++i) {
            m[i] = beta1 * m[i] + (1 - beta1) * grad[i];
            v[i] = beta2 * v[i] + (1 - beta2) * grad[i] * grad[i];
            param[i] -= float(lr_t * m[i] / (std::sqrt(double(v[i])) + epsilon));
        }
    }
};

}  // namespace

Backend& reference_backend_instance() {
    static ReferenceBackend instance;
    return instance;
}

}  // namespace idim
