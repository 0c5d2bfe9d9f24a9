// Every registered backend against "reference", each op's inputs placed in the backend's own
// memory (Buffer) and its output read back: so it also runs on backends whose memory the host
// cannot touch (remote, cuda). Bitwise where the seam promises bits (copies, gathers, the ordered
// scatter-sum, Walsh–Hadamard, element-wise ops, pooling, optimiser steps, P's entries);
// elsewhere within a stated rounding bound. A backend that cannot run here (cuda without a GPU)
// is skipped with the reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "backend_ops_helpers.h"
#include "idim/projection.h"

using namespace idim;
using namespace idim::testing;

namespace {

class EveryBackend : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        std::string why;
        be_ = backend_or_why(GetParam(), why);
        if (!be_) GTEST_SKIP() << why;
    }
    Backend& be() { return *be_; }

    // out after op(backend, out's buffer) on the backend under test and on the reference, both
    // starting from `start`; op gets the backend and the output's pointer in its memory.
    template <class T, class Op>
    void both(const std::vector<T>& start, Op op, std::vector<T>& got, std::vector<T>& want) {
        Buffer<T> out = on(be(), start), out_ref = on(ref(), start);
        op(be(), out.data());
        op(ref(), out_ref.data());
        got = out.download();
        want = out_ref.download();
    }

private:
    Backend* be_ = nullptr;
};

std::string backend_test_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

// Every registered backend but the oracle itself.
std::vector<std::string> backends_under_test() {
    std::vector<std::string> names;
    for (const std::string& name : backend_names())
        if (name != "reference") names.push_back(name);
    return names;
}

// Γ_k·Σ|terms|: the bound of a float sum of k products in any order (plus the final rounding)
double float_sum_bound(size_t k, double abs_sum) { return (k + 2) * unit_roundoff * abs_sum + 1e-30; }

}  // namespace

INSTANTIATE_TEST_SUITE_P(Registered, EveryBackend, ::testing::ValuesIn(backends_under_test()),
                         backend_test_name);

TEST_P(EveryBackend, CopiesFillsAndGathersAreBitwise) {
    for (size_t n : tail_sizes) {
        const auto x = random_vector(n, unsigned(n)), start = random_vector(n, 7);
        std::vector<float> got, want;
        Buffer<float> x_be = on(be(), x), x_ref = on(ref(), x);
        auto x_of = [&](Backend& b) { return &b == &ref() ? x_ref.data() : x_be.data(); };
        both(start, [&](Backend& b, float* o) { b.copy(n, x_of(b), o); }, got, want);
        expect_bitwise_equal(got, want, "copy");
        both(start, [&](Backend& b, float* o) { b.fill(n, -0.0f, o); }, got, want);
        expect_bitwise_equal(got, want, "fill");

        const size_t rows = 5, row_size = n;   // a mini-batch of 5 rows out of a table of 9
        std::vector<uint32_t> index = {8, 0, 3, 3, 7};
        const auto table = random_vector(9 * row_size, 3);
        Buffer<uint32_t> index_be = on(be(), index), index_ref = on(ref(), index);
        Buffer<float> table_be = on(be(), table), table_ref = on(ref(), table);
        auto pick = [&](Backend& b, auto& in_be, auto& in_ref) { return &b == &ref() ? in_ref.data() : in_be.data(); };
        both(std::vector<float>(rows * row_size), [&](Backend& b, float* o) {
            b.gather_rows(rows, pick(b, index_be, index_ref), row_size, pick(b, table_be, table_ref), o);
        }, got, want);
        expect_bitwise_equal(got, want, "gather_rows");

        std::vector<uint32_t> idx(n);
        for (size_t i = 0; i < n; ++i) idx[i] = uint32_t((i * 7 + 3) % n);
        std::vector<int32_t> labels(n);
        for (size_t i = 0; i < n; ++i) labels[i] = int32_t(i * 13 % 10);
        Buffer<uint32_t> idx_be = on(be(), idx), idx_ref = on(ref(), idx);
        Buffer<int32_t> lab_be = on(be(), labels), lab_ref = on(ref(), labels);
        std::vector<int32_t> got_i, want_i;
        both(std::vector<int32_t>(n), [&](Backend& b, int32_t* o) {
            b.gather_ints(n, pick(b, idx_be, idx_ref), pick(b, lab_be, lab_ref), o);
        }, got_i, want_i);
        EXPECT_EQ(got_i, want_i) << "gather_ints n=" << n;
        const auto scale = random_vector(n, 4);
        Buffer<float> scale_be = on(be(), scale), scale_ref = on(ref(), scale);
        both(start, [&](Backend& b, float* o) {
            b.gather_scaled(n, pick(b, idx_be, idx_ref), x_of(b), pick(b, scale_be, scale_ref), o);
        }, got, want);
        expect_bitwise_equal(got, want, "gather_scaled");
    }
}

TEST_P(EveryBackend, ElementwiseOpsAreBitwise) {
    for (size_t n : tail_sizes) {
        auto x = random_vector(n, unsigned(n)), y = random_vector(n, unsigned(n) + 1);
        x[0] = 0.0f;   // relu's boundary
        const std::vector<float> alpha = {-1.5f};
        Buffer<float> x_be = on(be(), x), y_be = on(be(), y), a_be = on(be(), alpha);
        Buffer<float> x_ref = on(ref(), x), y_ref = on(ref(), y), a_ref = on(ref(), alpha);
        auto X = [&](Backend& b) { return &b == &ref() ? x_ref.data() : x_be.data(); };
        auto Y = [&](Backend& b) { return &b == &ref() ? y_ref.data() : y_be.data(); };
        auto A = [&](Backend& b) { return &b == &ref() ? a_ref.data() : a_be.data(); };
        const std::vector<std::pair<const char*, std::function<void(Backend&, float*)>>> ops = {
            {"axpby", [&](Backend& b, float* o) { b.axpby(n, 0.3f, X(b), -1.7f, o); }},
            {"axpby beta=0", [&](Backend& b, float* o) { b.axpby(n, 0.3f, X(b), 0.0f, o); }},
            {"scale", [&](Backend& b, float* o) { b.scale(n, -2.5f, o); }},
            {"multiply", [&](Backend& b, float* o) { b.multiply(n, X(b), Y(b), o); }},
            {"add", [&](Backend& b, float* o) { b.add(n, X(b), Y(b), o); }},
            {"scaled_add", [&](Backend& b, float* o) { b.scaled_add(n, A(b), X(b), Y(b), o); }},
            {"scaled_add no base", [&](Backend& b, float* o) { b.scaled_add(n, A(b), X(b), nullptr, o); }},
            {"relu_forward", [&](Backend& b, float* o) { b.relu_forward(n, X(b), o); }},
            {"relu_backward", [&](Backend& b, float* o) { b.relu_backward(n, X(b), Y(b), o); }},
        };
        for (const auto& [what, op] : ops) {
            std::vector<float> got, want;
            both(random_vector(n, 9), op, got, want);
            expect_bitwise_equal(got, want, std::string(what) + " n=" + std::to_string(n));
        }
    }
}

// SGD and Adam's moments: the same float operations in the same order, so the same bits. Adam's
// step lr_t·m/(√v+ε) is double in the oracle and may be float (≤ 6 roundings) in a fast
// backend: 8u·|step| + 2u·|θ| (test_backend_ops_kernels' bound for cpu).
TEST_P(EveryBackend, OptimiserStepsMatchTheReference) {
    for (size_t n : tail_sizes) {
        const auto grad = random_vector(n, 31), state = random_vector(n, 32, 0.1f), param = random_vector(n, 33);
        std::vector<float> square(n);
        for (size_t i = 0; i < n; ++i) square[i] = state[i] * state[i];
        Buffer<float> g_be = on(be(), grad), v_be = on(be(), state), p_be = on(be(), param);
        auto v_ref = state, p_ref = param;
        be().sgd_momentum_step(n, 0.01f, 0.9f, g_be.data(), v_be.data(), p_be.data());
        ref().sgd_momentum_step(n, 0.01f, 0.9f, grad.data(), v_ref.data(), p_ref.data());
        expect_bitwise_equal(v_be.download(), v_ref, "sgd velocity");
        expect_bitwise_equal(p_be.download(), p_ref, "sgd param");

        Buffer<float> m_be = on(be(), state), s_be = on(be(), square);
        p_be.upload(param);
        auto m_ref = state, s_ref = square;
        p_ref = param;
        be().adam_step(n, 1e-3f, 0.9f, 0.99f, 1e-7f, 5, g_be.data(), m_be.data(), s_be.data(), p_be.data());
        ref().adam_step(n, 1e-3f, 0.9f, 0.99f, 1e-7f, 5, grad.data(), m_ref.data(), s_ref.data(), p_ref.data());
        expect_bitwise_equal(m_be.download(), m_ref, "adam m");
        expect_bitwise_equal(s_be.download(), s_ref, "adam v");
        std::vector<double> bound(n);
        for (size_t i = 0; i < n; ++i)
            bound[i] = 8 * unit_roundoff * std::abs(double(param[i]) - p_ref[i]) + 2 * unit_roundoff * std::abs(p_ref[i]);
        expect_within(p_be.download(), p_ref, bound, "adam param n=" + std::to_string(n));
    }
}

TEST_P(EveryBackend, BiasAndRowSumsAreBitwiseColumnSumsWithinBound) {
    for (int rows : {1, 3, 130})
        for (int cols : {1, 7, 33}) {
            const auto x = random_vector(size_t(rows) * cols, rows * 7 + cols), bias = random_vector(cols, 5);
            Buffer<float> x_be = on(be(), x), b_be = on(be(), bias);
            std::vector<float> got, want;
            both(x, [&](Backend& b, float* o) {
                b.add_bias(rows, cols, &b == &ref() ? bias.data() : b_be.data(), o);
            }, got, want);
            expect_bitwise_equal(got, want, "add_bias");
            both(bias, [&](Backend& b, float* o) {
                b.add_column_sums(rows, cols, &b == &ref() ? x.data() : x_be.data(), o);
            }, got, want);
            std::vector<double> bound(cols);
            for (int c = 0; c < cols; ++c) {
                double abs_sum = std::abs(bias[c]);
                for (int r = 0; r < rows; ++r) abs_sum += std::abs(x[size_t(r) * cols + c]);
                bound[c] = 258 * unit_roundoff * abs_sum;   // float runs of ≤ 256 rows, then double
            }
            expect_within(got, want, bound, "add_column_sums");
            Buffer<double> sums(be(), size_t(rows));
            std::vector<double> sums_want(rows);
            be().row_sums(size_t(rows), size_t(cols), x_be.data(), sums.data());
            ref().row_sums(size_t(rows), size_t(cols), x.data(), sums_want.data());
            EXPECT_EQ(sums.download(), sums_want) << "row_sums";   // double, increasing j: exact order
        }
}

TEST_P(EveryBackend, ScatterSumIsBitwiseAndFollowsItsIndexTable) {
    for (size_t n : tail_sizes)
        for (size_t m : {size_t(1), size_t(6), size_t(64)}) {
            std::vector<uint32_t> index(n);
            for (size_t i = 0; i < n; ++i) index[i] = uint32_t((i * 2654435761u) % m);
            const auto scale = random_vector(n, 1), x = random_vector(n, 2);
            Buffer<uint32_t> index_be = on(be(), index);
            Buffer<float> scale_be = on(be(), scale), x_be = on(be(), x);
            for (int round = 0; round < 2; ++round) {   // a new table in the same memory: new sums
                std::vector<float> want(m);
                ref().scatter_sum_scaled(n, index.data(), scale.data(), x.data(), m, want.data());
                Buffer<float> out(be(), m);
                be().scatter_sum_scaled(n, index_be.data(), scale_be.data(), x_be.data(), m, out.data());
                expect_bitwise_equal(out.download(), want, "n=" + std::to_string(n) + " m=" + std::to_string(m));
                for (uint32_t& t : index) t = uint32_t((t + 1) % m);
                index_be.upload(index);
            }
        }
}

TEST_P(EveryBackend, WalshHadamardIsBitwise) {
    for (size_t n = 1; n <= (size_t(1) << 16); n *= 2) {
        const auto x = random_vector(n, unsigned(n));
        std::vector<float> got, want;
        both(x, [&](Backend& b, float* o) { b.walsh_hadamard(n, o); }, got, want);
        expect_bitwise_equal(got, want, "walsh_hadamard n=" + std::to_string(n));
    }
    for (size_t n : {size_t(64), size_t(8192)})
        for (size_t block : {size_t(1), size_t(16), size_t(4096)})
            for (size_t rows : {size_t(1), size_t(5), size_t(16)}) {
                if (rows > block || block > n) continue;
                const auto x = random_vector(n, unsigned(n + block + rows));
                std::vector<float> got, want;
                both(x, [&](Backend& b, float* o) { b.walsh_hadamard_leading(n, block, rows, o); }, got, want);
                for (size_t b = 0; b < n; b += block)   // only each block's first rows are defined
                    for (size_t k = 0; k < rows; ++k) ASSERT_EQ(got[b + k], want[b + k]) << n << " " << block;
            }
}

TEST_P(EveryBackend, PoolingAndCol2imAreBitwise) {
    const ConvGeometry geometries[] = {{2, 5, 7, 3, 3, 3, 1, 1}, {2, 6, 6, 4, 2, 2, 2, 0},
                                       {3, 7, 5, 17, 3, 3, 2, 1}, {2, 28, 28, 6, 2, 2, 2, 0}};
    for (const ConvGeometry& g : geometries) {
        const size_t image = size_t(g.batch) * g.height * g.width * g.channels;
        const size_t n_out = size_t(g.batch) * g.out_h() * g.out_w() * g.channels;
        const size_t cols = size_t(g.batch) * g.out_h() * g.out_w() * g.kernel_h * g.kernel_w * g.channels;
        auto x = random_vector(image, 11);
        for (size_t i = 0; i < image; i += 3) x[i] = 0.5f;   // ties: the first in the window wins
        Buffer<float> x_be = on(be(), x), y_be(be(), n_out);
        Buffer<int32_t> arg_be(be(), n_out);
        std::vector<float> y_ref(n_out);
        std::vector<int32_t> arg_ref(n_out);
        be().maxpool_forward(g, x_be.data(), y_be.data(), arg_be.data());
        ref().maxpool_forward(g, x.data(), y_ref.data(), arg_ref.data());
        expect_bitwise_equal(y_be.download(), y_ref, "maxpool_forward");
        ASSERT_EQ(arg_be.download(), arg_ref);
        const auto dy = random_vector(n_out, 12);
        Buffer<float> dy_be = on(be(), dy);
        std::vector<float> got, want;
        both(random_vector(image, 13), [&](Backend& b, float* o) {
            if (&b == &ref()) b.maxpool_backward(g, n_out, dy.data(), arg_ref.data(), o);
            else b.maxpool_backward(g, n_out, dy_be.data(), arg_be.data(), o);
        }, got, want);
        expect_bitwise_equal(got, want, "maxpool_backward");
        const auto c = random_vector(cols, 14);
        Buffer<float> c_be = on(be(), c);
        both(random_vector(image, 15), [&](Backend& b, float* o) {
            b.col2im(g, &b == &ref() ? c.data() : c_be.data(), o);
        }, got, want);
        expect_bitwise_equal(got, want, "col2im");
    }
}

TEST_P(EveryBackend, DenseProjectionRowsAreBitwise) {
    const uint64_t seed = 0x0123456789abcdefull;
    const size_t dim_full = 200, dim_sub = 29, rows = 37;
    std::vector<double> norms = dense_column_norms(seed, dim_full, dim_sub);
    norms[3] = 0;   // a zero column stays as drawn
    Buffer<double> norms_be = on(be(), norms);
    for (size_t row_begin : {size_t(0), size_t(150)}) {
        Buffer<float> out(be(), rows * dim_sub);
        std::vector<float> want(rows * dim_sub);
        be().dense_projection_rows(seed, row_begin, rows, dim_sub, norms_be.data(), out.data());
        ref().dense_projection_rows(seed, row_begin, rows, dim_sub, norms.data(), want.data());
        expect_bitwise_equal(out.download(), want, "rows from " + std::to_string(row_begin));
    }
}

// |c − c_ref| ≤ Γ_(k+2)·Σ|a·b| + u·|β·c| per entry, with c preset to NaN when β = 0 (never read).
TEST_P(EveryBackend, GemmIsWithinTheFloatBound) {
    for (int m : {1, 7, 33})
        for (int n : {1, 10, 130})
            for (int k : {1, 17, 200})
                for (Transpose ta : {Transpose::no, Transpose::yes})
                    for (Transpose tb : {Transpose::no, Transpose::yes})
                        for (float beta : {0.0f, 0.5f}) {
                            const int lda = (ta == Transpose::no ? k : m) + 3, ldb = (tb == Transpose::no ? n : k) + 1, ldc = n + 2;
                            const int a_rows = ta == Transpose::no ? m : k, b_rows = tb == Transpose::no ? k : n;
                            const auto a = random_vector(size_t(a_rows) * lda, 1), b = random_vector(size_t(b_rows) * ldb, 2);
                            auto c = random_vector(size_t(m) * ldc, 3);
                            if (beta == 0.0f) c.assign(c.size(), std::numeric_limits<float>::quiet_NaN());
                            Buffer<float> a_be = on(be(), a), b_be = on(be(), b), c_be = on(be(), c);
                            auto want = c;
                            be().gemm(ta, tb, m, n, k, 1.25f, a_be.data(), lda, b_be.data(), ldb, beta, c_be.data(), ldc);
                            ref().gemm(ta, tb, m, n, k, 1.25f, a.data(), lda, b.data(), ldb, beta, want.data(), ldc);
                            const auto got = c_be.download();
                            for (int i = 0; i < m; ++i)
                                for (int j = 0; j < n; ++j) {
                                    double abs_sum = 0;
                                    for (int p = 0; p < k; ++p) {
                                        const float ap = ta == Transpose::no ? a[size_t(i) * lda + p] : a[size_t(p) * lda + i];
                                        const float bp = tb == Transpose::no ? b[size_t(p) * ldb + j] : b[size_t(j) * ldb + p];
                                        abs_sum += std::abs(1.25 * ap * bp);
                                    }
                                    const size_t at = size_t(i) * ldc + j;
                                    const double bound = float_sum_bound(size_t(k), abs_sum) +
                                                         (beta == 0.0f ? 0.0 : 2 * unit_roundoff * std::abs(beta * c[at]));
                                    ASSERT_NEAR(got[at], want[at], bound) << m << "x" << n << "x" << k;
                                }
                        }
}

TEST_P(EveryBackend, DotIsWithinTheFloatBound) {
    for (size_t n : {size_t(0), size_t(1), size_t(17), size_t(1023), size_t(100003)}) {
        const auto x = random_vector(n, 40 + unsigned(n)), y = random_vector(n, 41 + unsigned(n));
        double abs_sum = 0;
        for (size_t i = 0; i < n; ++i) abs_sum += std::abs(double(x[i]) * y[i]);
        Buffer<float> x_be = on(be(), x), y_be = on(be(), y), out(be(), 1);
        const double want = ref().dot(n, x.data(), y.data());
        // the cpu backend's float lanes: ≤ 133·u·Σ|xy| (test_backend_ops); double sums are tighter
        EXPECT_NEAR(be().dot(n, x_be.data(), y_be.data()), want, 140 * unit_roundoff * abs_sum + 1e-30);
        be().dot_into(n, x_be.data(), y_be.data(), out.data());
        EXPECT_NEAR(out.download()[0], want, 141 * unit_roundoff * abs_sum + 1e-30);
    }
}

TEST_P(EveryBackend, SoftmaxCrossEntropyIsWithinBoundWithTheSameHits) {
    for (int batch : {1, 17, 128})
        for (int classes : {1, 10, 17}) {
            auto logits = random_vector(size_t(batch) * classes, batch * 101 + classes, 3.0f);
            for (int c = 0; c < classes; c += 2) logits[c] = 2.5f;   // ties: the first maximum
            std::vector<int32_t> labels(batch);
            for (int b = 0; b < batch; ++b) labels[b] = (b * 7 + 3) % classes;
            Buffer<float> z_be = on(be(), logits), dz_be(be(), logits.size());
            Buffer<int32_t> l_be = on(be(), labels);
            std::vector<float> dz_ref(logits.size());
            int hits = -1, hits_ref = -2;
            const double loss = be().softmax_cross_entropy(batch, classes, z_be.data(), l_be.data(), dz_be.data(), &hits);
            const double loss_ref = ref().softmax_cross_entropy(batch, classes, logits.data(), labels.data(), dz_ref.data(), &hits_ref);
            EXPECT_EQ(hits, hits_ref);
            // per row: exp and Σ within (classes + 4)·2u relative, which log makes absolute
            EXPECT_NEAR(loss, loss_ref, batch * (classes + 4) * 2 * unit_roundoff);
            std::vector<double> bound(dz_ref.size());
            for (size_t i = 0; i < bound.size(); ++i)
                bound[i] = (classes + 4) * 2 * unit_roundoff / batch + 2 * unit_roundoff * std::abs(dz_ref[i]);
            expect_within(dz_be.download(), dz_ref, bound, "dlogits");
        }
}

TEST_P(EveryBackend, ConvolutionIsWithinTheFloatBound) {
    const ConvGeometry geometries[] = {{2, 5, 7, 3, 3, 3, 1, 1}, {3, 7, 5, 17, 3, 3, 2, 1},
                                       {4, 32, 32, 3, 5, 5, 1, 0}};
    const int filters = 6;
    for (const ConvGeometry& g : geometries) {
        const size_t patch = size_t(g.kernel_h) * g.kernel_w * g.channels;
        const size_t rows = size_t(g.batch) * g.out_h() * g.out_w();
        const auto image = random_vector(size_t(g.batch) * g.height * g.width * g.channels, 1);
        const auto kernel = random_vector(patch * filters, 2), dy = random_vector(rows * filters, 3);
        Buffer<float> image_be = on(be(), image), kernel_be = on(be(), kernel), dy_be = on(be(), dy);
        Buffer<float> y_be(be(), rows * filters), dk_be(be(), patch * filters);
        std::vector<float> y_ref(rows * filters), dk_ref(patch * filters);
        be().conv_forward(g, filters, image_be.data(), kernel_be.data(), y_be.data());
        ref().conv_forward(g, filters, image.data(), kernel.data(), y_ref.data());
        be().conv_kernel_gradient(g, filters, image_be.data(), dy_be.data(), dk_be.data());
        ref().conv_kernel_gradient(g, filters, image.data(), dy.data(), dk_ref.data());
        // every term is at most max|image|·max|w| in size: Γ_(terms)·terms·max·max
        double max_image = 0, max_kernel = 0, max_dy = 0;
        for (float v : image) max_image = std::max(max_image, double(std::abs(v)));
        for (float v : kernel) max_kernel = std::max(max_kernel, double(std::abs(v)));
        for (float v : dy) max_dy = std::max(max_dy, double(std::abs(v)));
        expect_within(y_be.download(), y_ref,
                      std::vector<double>(y_ref.size(), float_sum_bound(patch, patch * max_image * max_kernel)), "conv_forward");
        expect_within(dk_be.download(), dk_ref,
                      std::vector<double>(dk_ref.size(), float_sum_bound(rows, rows * max_image * max_dy)), "conv_kernel_gradient");
    }
}

TEST_P(EveryBackend, SparseProductsAreWithinTheFloatBound) {
    const int64_t rows = 57, cols = 40;
    std::vector<int64_t> row_start{0};
    std::vector<int32_t> col_index;
    for (int64_t r = 0; r < rows; ++r) {   // 0 to 6 entries a row, columns in any order
        for (int64_t e = 0; e < (r * 3 + 1) % 7; ++e) col_index.push_back(int32_t((r * 7 + e * 11) % cols));
        row_start.push_back(int64_t(col_index.size()));
    }
    const auto value = random_vector(col_index.size(), 3);
    Buffer<int64_t> rs_be = on(be(), row_start);
    Buffer<int32_t> ci_be = on(be(), col_index);
    Buffer<float> v_be = on(be(), value);
    const SparseMatrix a_ref{rows, cols, int64_t(col_index.size()), row_start.data(), col_index.data(), value.data()};
    const SparseMatrix a_be{rows, cols, int64_t(col_index.size()), rs_be.data(), ci_be.data(), v_be.data()};
    const auto x = random_vector(size_t(cols), 4), y = random_vector(size_t(rows), 5);
    Buffer<float> x_be = on(be(), x), y_be = on(be(), y);
    // per output: Γ_(entries)·Σ|1.5·value·input| + u·|β·output|
    std::vector<double> row_abs(rows, 0.0), col_abs(cols, 0.0);
    size_t most = 1;
    for (int64_t r = 0; r < rows; ++r) {
        most = std::max(most, size_t(row_start[r + 1] - row_start[r]));
        for (int64_t p = row_start[r]; p < row_start[r + 1]; ++p) {
            row_abs[r] += std::abs(1.5 * value[p] * x[col_index[p]]);
            col_abs[col_index[p]] += std::abs(1.5 * value[p] * y[r]);
        }
    }
    for (float beta : {0.0f, 0.5f}) {
        std::vector<float> got, want;
        both(y, [&](Backend& b, float* o) {
            b.sparse_gemv(&b == &ref() ? a_ref : a_be, 1.5f, &b == &ref() ? x.data() : x_be.data(), beta, o);
        }, got, want);
        std::vector<double> bound(rows);
        for (int64_t r = 0; r < rows; ++r) bound[r] = float_sum_bound(most, row_abs[r]) + 2 * unit_roundoff * std::abs(beta * y[r]);
        expect_within(got, want, bound, "sparse_gemv");
        both(x, [&](Backend& b, float* o) {
            b.sparse_gemv_transposed(&b == &ref() ? a_ref : a_be, 1.5f, &b == &ref() ? y.data() : y_be.data(), beta, o);
        }, got, want);
        bound.assign(cols, 0.0);
        for (int64_t c = 0; c < cols; ++c) bound[c] = float_sum_bound(size_t(rows), col_abs[c]) + 2 * unit_roundoff * std::abs(beta * x[c]);
        expect_within(got, want, bound, "sparse_gemv_transposed");
    }
}

// P's columns (P·e_j: one non-zero term per row, exact in any order) hashed: the same
// fingerprint on every backend, for every kind of projection and both dense paths.
TEST_P(EveryBackend, ProjectionFingerprintsEqualTheReference) {
    struct Case { ProjectionKind kind; double max_mb; };
    for (const Case& c : {Case{ProjectionKind::dense, 1024}, Case{ProjectionKind::dense, 0.001},
                          Case{ProjectionKind::sparse, 1024}, Case{ProjectionKind::fastfood, 1024}}) {
        ProjectionSpec spec;
        spec.kind = c.kind;
        spec.dim_full = 3000;
        spec.dim_sub = 40;
        spec.seed = 17;
        spec.groups = {{"w", 0, 2500, true, 50}, {"b", 2500, 500, false, 0}};
        spec.max_projection_mb = c.max_mb;
        auto p = make_projection(be(), spec), p_ref = make_projection(ref(), spec);
        for (size_t j : {size_t(0), size_t(13), size_t(39)}) {
            std::vector<float> e(spec.dim_sub, 0.0f);
            e[j] = 1.0f;
            Buffer<float> e_be = on(be(), e), col_be(be(), spec.dim_full);
            std::vector<float> col_ref(spec.dim_full);
            p->expand(be(), e_be.data(), 0.0f, col_be.data());
            p_ref->expand(ref(), e.data(), 0.0f, col_ref.data());
            expect_bitwise_equal(col_be.download(), col_ref, p->name() + " column " + std::to_string(j));
        }
    }
}

// The fused ops give the bits of the calls they stand for: copy_twice those of fill, add and
// copy (−0 becomes +0 in the first copy only), copy_padded those of multiply or copy and fill, add_bias_relu those of add_bias and relu_forward,
// column_sums those of fill and add_column_sums on the same backend (add_column_sums itself is
// within a bound of the reference, above).
TEST_P(EveryBackend, FusedOpsAreTheCallsTheyFuse) {
    for (size_t n : tail_sizes) {
        auto x = random_vector(n, unsigned(n) + 11);
        if (n > 0) x[0] = -0.0f;
        Buffer<float> x_be = on(be(), x), x_ref = on(ref(), x);
        auto x_of = [&](Backend& b) { return &b == &ref() ? x_ref.data() : x_be.data(); };
        std::vector<float> got, want;
        both(random_vector(2 * n, 4), [&](Backend& b, float* o) { b.copy_twice(n, x_of(b), o); },
             got, want);
        expect_bitwise_equal(got, want, "copy_twice");
        std::vector<float> unfused(2 * n);
        ref().fill(n, 0.0f, unfused.data());
        ref().add(n, x.data(), unfused.data(), unfused.data());
        ref().copy(n, x.data(), unfused.data() + n);
        expect_bitwise_equal(want, unfused, "copy_twice against fill, add and copy");

        const auto scale = random_vector(n, 2);
        Buffer<float> scale_be = on(be(), scale), scale_ref = on(ref(), scale);
        for (bool scaled : {false, true}) {
            auto scale_of = [&](Backend& b) -> const float* {
                return !scaled ? nullptr : &b == &ref() ? scale_ref.data() : scale_be.data();
            };
            both(random_vector(n + 5, 3), [&](Backend& b, float* o) {
                b.copy_padded(n, n + 5, x_of(b), scale_of(b), o);
            }, got, want);
            expect_bitwise_equal(got, want, "copy_padded");
            std::vector<float> plain(n + 5, 1.0f);
            if (scaled) ref().multiply(n, scale.data(), x.data(), plain.data());
            else ref().copy(n, x.data(), plain.data());
            ref().fill(5, 0.0f, plain.data() + n);
            expect_bitwise_equal(want, plain, "copy_padded against multiply or copy, and fill");
        }
    }
    for (int rows : {1, 3, 130})
        for (int cols : {1, 7, 33}) {
            const auto x = random_vector(size_t(rows) * cols, rows + 3 * cols);
            Buffer<float> x_be = on(be(), x), fused = on(be(), random_vector(cols, 9));
            Buffer<float> unfused = on(be(), random_vector(cols, 8));
            be().column_sums(rows, cols, x_be.data(), fused.data());
            be().fill(size_t(cols), 0.0f, unfused.data());
            be().add_column_sums(rows, cols, x_be.data(), unfused.data());
            expect_bitwise_equal(fused.download(), unfused.download(), "column_sums");

            const auto bias = random_vector(cols, 6);
            Buffer<float> b_be = on(be(), bias), pre = on(be(), x), post(be(), x.size());
            std::vector<float> pre_ref = x, post_ref(x.size()), pre_unfused = x,
                               post_unfused(x.size());
            be().add_bias_relu(rows, cols, b_be.data(), pre.data(), post.data());
            ref().add_bias_relu(rows, cols, bias.data(), pre_ref.data(), post_ref.data());
            ref().add_bias(rows, cols, bias.data(), pre_unfused.data());
            ref().relu_forward(x.size(), pre_unfused.data(), post_unfused.data());
            expect_bitwise_equal(pre.download(), pre_ref, "add_bias_relu (pre-activation)");
            expect_bitwise_equal(post.download(), post_ref, "add_bias_relu");
            expect_bitwise_equal(pre_ref, pre_unfused, "add_bias_relu against add_bias");
            expect_bitwise_equal(post_ref, post_unfused, "add_bias_relu against relu_forward");
        }
}

// A step's loss kept in backend memory: the bits softmax_cross_entropy returns (and its
// dlogits), and add_mean's ordered sum, bitwise against the reference.
TEST_P(EveryBackend, LossOnTheBackendIsTheReturnedLoss) {
    const int batch = 37, classes = 10;
    const auto logits = random_vector(size_t(batch) * classes, 21);
    std::vector<int32_t> labels(batch);
    for (int b = 0; b < batch; ++b) labels[size_t(b)] = (b * 7) % classes;
    Buffer<float> z = on(be(), logits), dz(be(), logits.size()), dz_to(be(), logits.size());
    Buffer<int32_t> l = on(be(), labels);
    Buffer<double> loss_to(be(), 1);
    const double loss = be().softmax_cross_entropy(batch, classes, z.data(), l.data(), dz.data(),
                                                   nullptr);
    be().softmax_cross_entropy_to(batch, classes, z.data(), l.data(), dz_to.data(), loss_to.data());
    EXPECT_EQ(loss_to.download()[0], loss);
    expect_bitwise_equal(dz_to.download(), dz.download(), "softmax_cross_entropy_to dlogits");

    const std::vector<double> parts = {0.1, 2.5e-17, 3.0, -1.25};
    Buffer<double> parts_be = on(be(), parts), acc = on(be(), std::vector<double>{7.0});
    double acc_ref = 7.0;
    be().add_mean(parts.size(), parts_be.data(), 3.0, acc.data());
    ref().add_mean(parts.size(), parts.data(), 3.0, &acc_ref);
    EXPECT_EQ(acc.download()[0], acc_ref);
    EXPECT_EQ(acc_ref, 7.0 + (((0.1 + 2.5e-17) + 3.0) - 1.25) / 3.0);
}
