// The network and projection kernels of the "cpu" backend against the "reference" oracle:
// softmax cross-entropy, convolution, col2im, max pooling, Walsh–Hadamard, sparse products,
// optimisers.
// Bitwise where both run the same operations in the same order; otherwise a stated bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "backend_ops_helpers.h"
#include "idim/error.h"

using namespace idim;
using namespace idim::testing;

TEST(BackendOps, SoftmaxCrossEntropyMatchesReference) {
    for (int batch : {1, 3, 17, 128})
        for (int classes : {1, 3, 10, 17, 100}) {
            auto logits = random_vector(size_t(batch) * classes, batch * 101 + classes, 3.0f);
            std::vector<int32_t> labels(batch);
            for (int b = 0; b < batch; ++b) labels[b] = (b * 7 + 3) % classes;
            if (batch > 1)  // a row of ties (argmax is the first) and one of huge logits
                for (int c = 0; c < classes; ++c) logits[classes + c] = c % 2 ? 1000.0f : -1000.0f;
            for (int c = 0; c < classes; c += 2) logits[c] = 2.5f;
            std::vector<float> got(logits.size()), want(logits.size());
            int correct_got = -1, correct_want = -1;
            const double loss_got = fast().softmax_cross_entropy(batch, classes, logits.data(),
                                                                 labels.data(), got.data(), &correct_got);
            const double loss_want = ref().softmax_cross_entropy(batch, classes, logits.data(),
                                                                 labels.data(), want.data(), &correct_want);
            EXPECT_EQ(correct_got, correct_want) << batch << "x" << classes;
            // per row: float exp (≤ 2 ulp) summed in float lanes, rel. error of Σ ≤ (classes+4)·u,
            // which log turns into an absolute error of the same size
            EXPECT_NEAR(loss_got, loss_want, batch * (classes + 4) * 2 * unit_roundoff) << batch << "x" << classes;
            // |Δp| ≤ (classes+4)·u·p (from Σ and exp), divided by batch, plus the final rounding
            std::vector<double> bound(got.size());
            for (size_t i = 0; i < got.size(); ++i)
                bound[i] = (classes + 4) * 2 * unit_roundoff / batch + 2 * unit_roundoff * std::abs(want[i]);
            expect_within(got, want, bound, "dlogits " + std::to_string(batch) + "x" + std::to_string(classes));
            int correct_only = -1;  // without dlogits: the same loss and count
            EXPECT_EQ(fast().softmax_cross_entropy(batch, classes, logits.data(), labels.data(),
                                                   nullptr, &correct_only), loss_got);
            EXPECT_EQ(correct_only, correct_got);
        }
}

TEST(BackendOps, SoftmaxCrossEntropyRejectsLabelsOutOfRange) {
    std::vector<float> logits(6, 0.0f);
    std::vector<int32_t> labels = {1, 3};
    EXPECT_THROW(fast().softmax_cross_entropy(2, 3, logits.data(), labels.data(), nullptr, nullptr), Error);
}

// col2im and max pooling add or compare in the reference's order: bitwise.
TEST(BackendOps, Col2imAndPoolingMatchReferenceBitForBit) {
    const ConvGeometry geometries[] = {
        {2, 5, 7, 3, 3, 3, 1, 1}, {2, 6, 6, 4, 2, 2, 2, 0}, {1, 9, 8, 1, 5, 5, 1, 2},
        {3, 7, 5, 17, 3, 3, 2, 1}, {2, 4, 4, 5, 1, 1, 1, 0}, {1, 3, 9, 2, 3, 2, 3, 1},
        // batches large enough to be split over the threads: LeNet's first convolution and
        // pooling, and a padded one
        {64, 28, 28, 1, 5, 5, 1, 0}, {64, 24, 24, 6, 2, 2, 2, 0}, {32, 9, 8, 3, 3, 3, 1, 1}};
    fast().set_threads(2);
    unsigned seed = 60;
    for (const ConvGeometry& g : geometries) {
        const size_t n_image = size_t(g.batch) * g.height * g.width * g.channels;
        const size_t n_out = size_t(g.batch) * g.out_h() * g.out_w();
        const size_t n_cols = n_out * g.kernel_h * g.kernel_w * g.channels;
        auto image = random_vector(n_image, seed++);
        for (size_t i = 0; i < n_image; i += 5) image[i] = image[i / 2];  // repeated values: ties
        for (size_t i = 3; i < n_image; i += 97) image[i] = std::nanf("");  // never a maximum
        auto cols = random_vector(n_cols, seed++), img_got = random_vector(n_image, seed++);
        auto img_want = img_got;
        fast().col2im(g, cols.data(), img_got.data());
        ref().col2im(g, cols.data(), img_want.data());
        expect_bitwise_equal(img_got, img_want, "col2im");

        const size_t n_pool = n_out * g.channels;
        std::vector<float> y_got(n_pool), y_want(n_pool);
        std::vector<int32_t> arg_got(n_pool), arg_want(n_pool);
        fast().maxpool_forward(g, image.data(), y_got.data(), arg_got.data());
        ref().maxpool_forward(g, image.data(), y_want.data(), arg_want.data());
        expect_bitwise_equal(y_got, y_want, "maxpool_forward");
        EXPECT_EQ(arg_got, arg_want);
        auto dy = random_vector(n_pool, seed++), dx_got = random_vector(n_image, seed++);
        auto dx_want = dx_got;
        fast().maxpool_backward(g, n_pool, dy.data(), arg_got.data(), dx_got.data());
        ref().maxpool_backward(g, n_pool, dy.data(), arg_want.data(), dx_want.data());
        expect_bitwise_equal(dx_got, dx_want, "maxpool_backward");
    }
    fast().set_threads(1);
}

std::vector<float> absolute(std::vector<float> v) {
    for (float& x : v) x = std::abs(x);
    return v;
}

// The windows are read in place in float, each sum of `depth` products in FMA order; the reference
// sums in double. Bound per output: 2·(depth + 1)·u·Σ|a|·|b| (the reference on absolute values)
// plus the last rounding. Filter counts cover AVX-512's 8-lane vectors (≤ 8), one and two vectors,
// and groups of two vectors with a partial last (40); geometries padding, strides, channels, and
// LeNet's two convolutions on batches the threads share.
TEST(BackendOps, ConvolutionMatchesReference) {
    const ConvGeometry geometries[] = {
        {2, 5, 7, 3, 3, 3, 1, 1},   {2, 6, 6, 4, 2, 2, 2, 0},  {1, 9, 8, 1, 5, 5, 1, 2},
        {3, 7, 5, 17, 3, 3, 2, 1},  {2, 4, 4, 5, 1, 1, 1, 0},  {1, 3, 9, 2, 3, 2, 3, 1},
        {64, 28, 28, 1, 5, 5, 1, 0}, {16, 12, 12, 6, 5, 5, 1, 0}};
    fast().set_threads(2);
    unsigned seed = 300;
    for (const ConvGeometry& g : geometries)
        for (int filters : {1, 3, 6, 8, 16, 20, 40}) {
            const size_t n_image = size_t(g.batch) * g.height * g.width * g.channels;
            const size_t n_out = size_t(g.batch) * g.out_h() * g.out_w();
            const size_t patch = size_t(g.kernel_h) * g.kernel_w * g.channels;
            const auto image = random_vector(n_image, seed++);
            const auto kernel = random_vector(patch * filters, seed++);
            const auto dy = random_vector(n_out * filters, seed++);
            const std::string what = "conv " + std::to_string(g.batch) + "x" +
                                     std::to_string(g.height) + "x" + std::to_string(g.width) +
                                     "x" + std::to_string(g.channels) + " filters " +
                                     std::to_string(filters);

            std::vector<float> y_got(n_out * filters, 9.0f), y_want(y_got.size()), y_abs(y_got.size());
            fast().conv_forward(g, filters, image.data(), kernel.data(), y_got.data());
            ref().conv_forward(g, filters, image.data(), kernel.data(), y_want.data());
            ref().conv_forward(g, filters, absolute(image).data(), absolute(kernel).data(), y_abs.data());
            std::vector<double> bound(y_got.size());
            for (size_t i = 0; i < bound.size(); ++i)
                bound[i] = 2 * (patch + 1) * unit_roundoff * y_abs[i] + unit_roundoff * std::abs(y_want[i]);
            expect_within(y_got, y_want, bound, what + " forward");

            std::vector<float> dk_got(patch * filters, 9.0f), dk_want(dk_got.size()), dk_abs(dk_got.size());
            fast().conv_kernel_gradient(g, filters, image.data(), dy.data(), dk_got.data());
            ref().conv_kernel_gradient(g, filters, image.data(), dy.data(), dk_want.data());
            ref().conv_kernel_gradient(g, filters, absolute(image).data(), absolute(dy).data(), dk_abs.data());
            bound.assign(dk_got.size(), 0.0);
            for (size_t i = 0; i < bound.size(); ++i)
                bound[i] = 2 * (n_out + 1) * unit_roundoff * dk_abs[i] + unit_roundoff * std::abs(dk_want[i]);
            expect_within(dk_got, dk_want, bound, what + " kernel gradient");
        }
    fast().set_threads(1);
}

TEST(BackendOps, PoolingRejectsWindowsOutsideTheImage) {
    const ConvGeometry g{1, 4, 4, 1, 2, 2, 1, 2};  // pad ≥ kernel: a window of padding only
    std::vector<float> x(16), y(64);
    std::vector<int32_t> arg(64);
    EXPECT_THROW(fast().maxpool_forward(g, x.data(), y.data(), arg.data()), Error);
}

// The fast transform runs the reference's butterfly network (same pairs, same adds) in a
// cache-friendly order, so it is bitwise equal at every length, including all block boundaries
// and 2^23, where 2^22-float blocks are transformed first.
TEST(BackendOps, WalshHadamardMatchesReferenceBitForBit) {
    for (size_t n = 1; n <= (size_t(1) << 23); n *= 2) {
        auto got = random_vector(n, unsigned(n));
        auto want = got;
        fast().walsh_hadamard(n, got.data());
        ref().walsh_hadamard(n, want.data());
        expect_bitwise_equal(got, want, "walsh_hadamard n=" + std::to_string(n));
    }
}

TEST(BackendOps, WalshHadamardTwiceIsNTimesIdentity) {
    const size_t n = size_t(1) << 14;
    auto x = random_vector(n, 3), y = x;
    fast().walsh_hadamard(n, y.data());
    fast().walsh_hadamard(n, y.data());
    // H·H = n·I; each output sums n terms of size ~|x|·√n through 28 rounding levels
    for (size_t i = 0; i < n; ++i) ASSERT_NEAR(y[i] / double(n), x[i], 1e-4) << i;
    EXPECT_THROW(fast().walsh_hadamard(12, y.data()), Error);
}

namespace {
// A random CSR matrix in host memory (both backends here read the host's).
struct RandomCsr {
    std::vector<int64_t> row_start{0};
    std::vector<int32_t> col_index;
    std::vector<float> value;
    SparseMatrix view;
    RandomCsr(int64_t rows, int64_t cols, unsigned seed) {
        std::mt19937 gen(seed);
        std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
        for (int64_t r = 0; r < rows; ++r) {
            for (int64_t c = 0; c < cols; ++c)
                if (r % 5 != 4 && uniform(gen) < 0.15f) {  // every fifth row empty
                    col_index.push_back(int32_t(c));
                    value.push_back(uniform(gen) - 0.5f);
                }
            row_start.push_back(int64_t(value.size()));
        }
        view = {rows, cols, int64_t(value.size()), row_start.data(), col_index.data(), value.data()};
    }
};
}  // namespace

// Both sum each output in double in the order of the stored non-zeros: bitwise.
TEST(BackendOps, SparseProductsMatchReferenceBitForBit) {
    for (auto [rows, cols] : {std::pair<int64_t, int64_t>{1, 1}, {17, 3}, {1000, 37}, {33, 500}}) {
        const RandomCsr csr(rows, cols, unsigned(rows + cols));
        const SparseMatrix& a = csr.view;
        auto x = random_vector(cols, 1), y = random_vector(rows, 2);
        for (float beta : {0.0f, 0.5f}) {
            auto y_got = y, y_want = y;
            if (beta == 0.0f) y_got[0] = y_want[0] = std::numeric_limits<float>::quiet_NaN();
            fast().sparse_gemv(a, 1.3f, x.data(), beta, y_got.data());
            ref().sparse_gemv(a, 1.3f, x.data(), beta, y_want.data());
            expect_bitwise_equal(y_got, y_want, "sparse_gemv");
            auto x_got = x, x_want = x;
            if (beta == 0.0f) x_got[0] = x_want[0] = std::numeric_limits<float>::quiet_NaN();
            fast().sparse_gemv_transposed(a, -0.7f, y.data(), beta, x_got.data());
            ref().sparse_gemv_transposed(a, -0.7f, y.data(), beta, x_want.data());
            expect_bitwise_equal(x_got, x_want, "sparse_gemv_transposed");
        }
    }
}

TEST(BackendOps, OptimiserStepsMatchReference) {
    for (size_t n : tail_sizes) {
        auto grad = random_vector(n, 80), state = random_vector(n, 81, 0.1f), param = random_vector(n, 82);
        auto v_got = state, v_want = state, p_got = param, p_want = param;
        fast().sgd_momentum_step(n, 0.01f, 0.9f, grad.data(), v_got.data(), p_got.data());
        ref().sgd_momentum_step(n, 0.01f, 0.9f, grad.data(), v_want.data(), p_want.data());
        expect_bitwise_equal(v_got, v_want, "sgd velocity");  // same float ops, same order
        expect_bitwise_equal(p_got, p_want, "sgd param");

        std::vector<float> m_got = state, m_want = state, s_got(n), s_want(n);
        for (size_t i = 0; i < n; ++i) s_got[i] = s_want[i] = state[i] * state[i];
        p_got = p_want = param;
        fast().adam_step(n, 1e-3f, 0.9f, 0.99f, 1e-7f, 5, grad.data(), m_got.data(), s_got.data(), p_got.data());
        ref().adam_step(n, 1e-3f, 0.9f, 0.99f, 1e-7f, 5, grad.data(), m_want.data(), s_want.data(), p_want.data());
        expect_bitwise_equal(m_got, m_want, "adam m");  // same float ops, same order
        expect_bitwise_equal(s_got, s_want, "adam v");
        // the step lr_t·m/(√v+ε) in float (≤ 6 roundings) where the oracle uses double, then
        // one rounding of p in each: 8u·|step| + 2u·|p|
        std::vector<double> bound(n);
        for (size_t i = 0; i < n; ++i)
            bound[i] = 8 * unit_roundoff * std::abs(double(param[i]) - p_want[i]) +
                       2 * unit_roundoff * std::abs(p_want[i]);
        expect_within(p_got, p_want, bound, "adam param n=" + std::to_string(n));
    }
    std::vector<float> one(1);
    EXPECT_THROW(fast().adam_step(1, 1e-3f, 0.9f, 0.99f, 1e-7f, 0, one.data(), one.data(),
                                  one.data(), one.data()), Error);
}

// Above 2^17 floats copy, fill, ReLU and the optimiser steps split into chunks over the threads: each
// element must come out as on one thread (and copy/fill as the reference).
TEST(BackendOps, LongElementwiseOpsDoNotDependOnTheThreadCount) {
    const size_t n = (size_t(3) << 16) + 5;
    auto grad = random_vector(n, 90), state = random_vector(n, 91, 0.1f), param = random_vector(n, 92);
    auto run = [&](int threads) {
        fast().set_threads(threads);
        std::vector<std::vector<float>> out(5, std::vector<float>(n, 7.0f));
        fast().copy(n, param.data(), out[0].data());
        fast().fill(n, 0.25f, out[1].data());
        out[2] = state;
        out[3] = param;
        fast().sgd_momentum_step(n, 0.01f, 0.9f, grad.data(), out[2].data(), out[3].data());
        std::vector<float> m = state, v(n);
        for (size_t i = 0; i < n; ++i) v[i] = state[i] * state[i];
        out[4] = param;
        fast().adam_step(n, 1e-3f, 0.9f, 0.99f, 1e-7f, 3, grad.data(), m.data(), v.data(), out[4].data());
        out.push_back(m);
        out.push_back(v);
        out.emplace_back(n);
        fast().relu_forward(n, grad.data(), out.back().data());
        out.emplace_back(n);
        fast().relu_backward(n, grad.data(), param.data(), out.back().data());
        fast().set_threads(1);
        return out;
    };
    const auto two = run(2), one = run(1);
    const char* names[] = {"copy", "fill", "sgd velocity", "sgd param", "adam param", "adam m",
                           "adam v", "relu_forward", "relu_backward"};
    for (size_t k = 0; k < two.size(); ++k) expect_bitwise_equal(two[k], one[k], names[k]);
    expect_bitwise_equal(two[0], param, "copy against its input");
    EXPECT_EQ(std::count(two[1].begin(), two[1].end(), 0.25f), long(n));
}

// Bit for bit the reference's single product, through AVX2's gather and its scalar tail, on one
// and two threads (2^17 + 3 entries are split over them), from an L1-sized and a large table.
TEST(BackendOps, GatherScaledMatchesTheReferenceBitForBit) {
    for (size_t table_size : {size_t(2048), size_t(1) << 20})
        for (size_t n : {size_t(5), size_t(1000), (size_t(1) << 17) + 3}) {
            auto table = random_vector(table_size, 41), scale = random_vector(n, 42);
            std::vector<uint32_t> index(n);
            for (size_t i = 0; i < n; ++i) index[i] = uint32_t((i * 2654435761u) % table_size);
            std::vector<float> got(n, 7.0f), want(n);
            fast().set_threads(2);
            fast().gather_scaled(n, index.data(), table.data(), scale.data(), got.data());
            fast().set_threads(1);
            ref().gather_scaled(n, index.data(), table.data(), scale.data(), want.data());
            expect_bitwise_equal(got, want, "gather_scaled n=" + std::to_string(n));
            EXPECT_EQ(got[n - 1], scale[n - 1] * table[index[n - 1]]);
        }
}

// The documented order — four equal parts, each summed from +0 in index order, then
// ((p0 + p1) + p2) + p3 — written out here, against both backends bit for bit, on one and two
// threads; ten terms into a slot of m = 1 make a different order show in the last bits.
TEST(BackendOps, ScatterSumScaledSumsInTheDocumentedOrder) {
    for (size_t m : {size_t(1), size_t(16), size_t(1024)})
        for (size_t n : {size_t(3), size_t(10), size_t(1000), (size_t(1) << 17) + 3}) {
            auto x = random_vector(n, 43), scale = random_vector(n, 44);
            std::vector<uint32_t> index(n);
            for (size_t i = 0; i < n; ++i) index[i] = uint32_t((i * 2654435761u) % m);
            std::vector<float> want(m);
            for (size_t p = 0; p < 4; ++p) {
                std::vector<float> part(m, 0.0f);
                for (size_t i = p * n / 4; i < (p + 1) * n / 4; ++i) {
                    const float term = scale[i] * x[i];
                    part[index[i]] = part[index[i]] + term;
                }
                for (size_t t = 0; t < m; ++t) want[t] = p == 0 ? part[t] : want[t] + part[t];
            }
            const std::string what = "scatter_sum_scaled n=" + std::to_string(n) + " m=" + std::to_string(m);
            for (int threads : {1, 2}) {
                std::vector<float> got(m, 7.0f);
                fast().set_threads(threads);
                fast().scatter_sum_scaled(n, index.data(), scale.data(), x.data(), m, got.data());
                expect_bitwise_equal(got, want, what + " cpu, threads " + std::to_string(threads));
            }
            fast().set_threads(1);
            std::vector<float> got(m, 7.0f);
            ref().scatter_sum_scaled(n, index.data(), scale.data(), x.data(), m, got.data());
            expect_bitwise_equal(got, want, what + " reference");
            double sum = 0, sum_abs = 0, total = 0;  // and it is the sum, to float rounding
            for (size_t i = 0; i < n; ++i) {
                sum += double(scale[i]) * x[i];
                sum_abs += std::abs(double(scale[i]) * x[i]);
            }
            for (float v : want) total += v;
            EXPECT_NEAR(total, sum, (n + m) * 2 * unit_roundoff * sum_abs) << what;
        }
}

TEST(BackendOps, GatherRowsCopiesTheIndexedRows) {
    for (size_t row_size : {size_t(1), size_t(13), size_t(784)})
        for (size_t n : {size_t(1), size_t(5), size_t(128)}) {  // 128 × 784: over the threads
            const size_t table_rows = 300;
            auto table = random_vector(table_rows * row_size, 93);
            std::vector<uint32_t> index(n);
            for (size_t i = 0; i < n; ++i) index[i] = uint32_t((i * 7919 + 11) % table_rows);
            std::vector<float> got(n * row_size, 7.0f), want(n * row_size);
            fast().set_threads(2);
            fast().gather_rows(n, index.data(), row_size, table.data(), got.data());
            fast().set_threads(1);
            ref().gather_rows(n, index.data(), row_size, table.data(), want.data());
            expect_bitwise_equal(got, want, "gather_rows n=" + std::to_string(n));
            EXPECT_EQ(got[(n - 1) * row_size], table[index[n - 1] * row_size]);
        }
}
