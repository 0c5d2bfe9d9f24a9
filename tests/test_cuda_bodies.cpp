// The cuda backend's kernel bodies (core/src/backends/cuda/*_body.h, built for the GPU and here for the
// host from the same source) run over every index on the host, against the reference backend.
// Where the seam promises bits the bodies must give them here, or the GPU cannot; what only a
// GPU can show (launch shapes, races, device math) is test_backend_cuda's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "backend_ops_helpers.h"
#include "backends/cuda/conv_body.h"
#include "backends/cuda/elementwise_body.h"
#include "backends/cuda/ordered_sum_body.h"
#include "backends/cuda/projection_body.h"
#include "backends/cuda/softmax_body.h"
#include "backends/cuda/walsh_hadamard_body.h"
#include "idim/projection.h"

using namespace idim;
using namespace idim::testing;

namespace {

std::vector<uint32_t> random_indices(size_t n, uint32_t below, unsigned seed) {
    std::vector<uint32_t> index(n);
    for (size_t i = 0; i < n; ++i) index[i] = uint32_t((i * 2654435761u + seed * 97u) % below);
    return index;
}

// What ops_ordered.cu builds with a stable radix sort: positions grouped by key in increasing
// position, and each key's first entry (group_start on the sorted keys).
void group(const std::vector<uint32_t>& keys, size_t n_keys, std::vector<uint32_t>& order,
           std::vector<uint32_t>& start) {
    order.resize(keys.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
    std::vector<uint32_t> sorted(keys.size());
    for (size_t k = 0; k < keys.size(); ++k) sorted[k] = keys[order[k]];
    start.resize(n_keys + 1);
    for (size_t key = 0; key <= n_keys; ++key)
        start[key] = cuda_body::group_start(sorted.data(), uint32_t(sorted.size()), uint32_t(key));
}

const ConvGeometry geometries[] = {
    {2, 5, 7, 3, 3, 3, 1, 1}, {2, 6, 6, 4, 2, 2, 2, 0}, {1, 9, 8, 1, 5, 5, 1, 2},
    {3, 7, 5, 17, 3, 3, 2, 1}, {2, 4, 4, 5, 1, 1, 1, 0}, {1, 3, 9, 2, 3, 2, 3, 1},
    {2, 32, 32, 3, 5, 5, 1, 0}, {2, 28, 28, 6, 2, 2, 2, 0}};

}  // namespace

TEST(CudaBodies, WalshHadamardStagesGiveTheReferenceBits) {
    for (size_t n = 1; n <= (size_t(1) << 14); n *= 2) {
        auto x = random_vector(n, unsigned(n));
        auto want = x;
        ref().walsh_hadamard(n, want.data());
        for (size_t h = 1; h < n; h *= 2)
            for (size_t t = 0; t < n / 2; ++t) cuda_body::wht_butterfly(x.data(), h, t);
        expect_bitwise_equal(x, want, "n = " + std::to_string(n));
    }
}

// As ops_walsh_hadamard.cu runs the long strides: up to three stages per pass.
TEST(CudaBodies, WalshHadamardInPassesOfSeveralStagesGivesTheReferenceBits) {
    for (size_t n = 2; n <= (size_t(1) << 13); n *= 2)
        for (int most : {1, 2, 3}) {
            auto x = random_vector(n, unsigned(n) + 5);
            auto want = x;
            ref().walsh_hadamard(n, want.data());
            for (size_t h = 1; h < n;) {
                int k = 1;
                while (k < most && (h << (k + 1)) <= n) ++k;
                for (size_t t = 0; t < (n >> k); ++t) cuda_body::wht_stages(x.data(), h, k, t);
                h <<= k;
            }
            expect_bitwise_equal(x, want, "n = " + std::to_string(n) + ", stages a pass ≤ " + std::to_string(most));
        }
}

TEST(CudaBodies, WalshHadamardLeadingGivesTheReferenceBits) {
    for (size_t n : {size_t(8), size_t(64), size_t(1024)})
        for (size_t block = 1; block <= n; block *= 4)
            for (size_t rows : {size_t(1), block / 2 + 1, block}) {
                if (rows > block) continue;
                auto x = random_vector(n, unsigned(n + block + rows));
                auto want = x;
                ref().walsh_hadamard_leading(n, block, rows, want.data());
                for (size_t h = 1; h < block; h *= 2)
                    for (size_t t = 0; t < n / 2; ++t) cuda_body::wht_butterfly(x.data(), h, t);
                for (size_t h = block; h < n; h *= 2)
                    for (size_t t = 0; t < n / (2 * h) * rows; ++t)
                        cuda_body::wht_leading_add(x.data(), h, rows, t);
                // only each block's first rows are defined after the partial stages
                for (size_t b = 0; b < n; b += block)
                    for (size_t k = 0; k < rows; ++k)
                        ASSERT_EQ(x[b + k], want[b + k]) << n << " " << block << " " << rows;
            }
}

namespace {

// ops_ordered.cu's three passes, block by block as the GPU runs them: the products in grouped
// order (G stored in that order), the (part, target) groups' sums staged through a tile a round
// at a time (every tile element loaded, then every thread's row added), the parts combined.
std::vector<float> scatter_sum_as_the_kernels_do(const std::vector<uint32_t>& index,
                                                 const std::vector<float>& scale,
                                                 const std::vector<float>& x, size_t m) {
    using namespace cuda_body;
    const size_t n = index.size(), n_keys = scatter_sum_parts * m;
    std::vector<uint32_t> keys(n), order, start;
    for (size_t i = 0; i < n; ++i) keys[i] = scatter_key(i, n, index.data(), m);
    group(keys, n_keys, order, start);
    std::vector<float> scale_grouped(n), products(n);
    for (size_t k = 0; k < n; ++k) scale_grouped[k] = scale[order[k]];
    for (size_t k = 0; k < n; ++k) products[k] = grouped_product(k, order.data(), scale_grouped.data(), x.data());

    std::vector<float> part_sums(n_keys, -1.0f);
    for (size_t first = 0; first < n_keys; first += kStagedKeys) {   // a block
        std::vector<uint32_t> begin(kStagedKeys), length(kStagedKeys);
        std::vector<float> sum(kStagedKeys, 0.0f);
        // stale values from the last round stay in the tile, as in shared memory
        std::vector<float> tile(kStagedKeys * kStagedRow, std::nanf(""));
        uint32_t longest = 0;
        for (uint32_t j = 0; j < kStagedKeys; ++j) {
            const bool mine = first + j < n_keys;
            begin[j] = mine ? start[first + j] : 0;
            length[j] = mine ? start[first + j + 1] - start[first + j] : 0;
            longest = std::max(longest, length[j]);
        }
        for (uint32_t offset = 0; offset < longest; offset += kStagedChunk) {
            for (uint32_t e = 0; e < kStagedKeys * kStagedChunk; ++e)
                stage_tile_element(e, offset, begin.data(), length.data(), products.data(), tile.data());
            for (uint32_t j = 0; j < kStagedKeys; ++j)
                sum[j] = add_tile_row(sum[j], offset, length[j], tile.data() + j * kStagedRow);
        }
        for (uint32_t j = 0; j < kStagedKeys && first + j < n_keys; ++j) part_sums[first + j] = sum[j];
    }
    std::vector<float> out(m);
    for (size_t t = 0; t < m; ++t) out[t] = combine_parts(t, m, part_sums.data());
    return out;
}

}  // namespace

// Sizes around the tile's (kStagedChunk products a group a round, kStagedKeys groups a block) and
// Fastfood's shape (L positions folded onto a power of two), with groups of very unequal length.
TEST(CudaBodies, ScatterSumInStagedGroupsGivesTheReferenceBits) {
    std::vector<size_t> sizes(std::begin(tail_sizes), std::end(tail_sizes));
    sizes.insert(sizes.end(), {size_t(1) << 14, (size_t(1) << 16) + 5});
    for (size_t n : sizes)
        for (size_t m : {size_t(1), size_t(5), size_t(16), size_t(64), size_t(1024)}) {
            auto index = random_indices(n, uint32_t(m), unsigned(n + m));
            if (m == 5)   // most positions on target 0: one long group beside short ones
                for (size_t i = 0; i < n; i += 3) index[i] = 0;
            const auto scale = random_vector(n, 1), x = random_vector(n, 2);
            std::vector<float> want(m);
            ref().scatter_sum_scaled(n, index.data(), scale.data(), x.data(), m, want.data());
            expect_bitwise_equal(scatter_sum_as_the_kernels_do(index, scale, x, m), want,
                                 "n = " + std::to_string(n) + ", m = " + std::to_string(m));
        }
}

TEST(CudaBodies, SparseProductsGiveTheReferenceBits) {
    for (int64_t rows : {1, 7, 33})
        for (int64_t cols : {1, 5, 40}) {
            std::vector<int64_t> row_start{0};
            std::vector<int32_t> col_index;
            for (int64_t r = 0; r < rows; ++r) {   // 0 to 4 entries a row, columns in any order
                for (int64_t e = 0; e < (r * 3 + 1) % 5; ++e) col_index.push_back(int32_t((r * 7 + e * 11) % cols));
                row_start.push_back(int64_t(col_index.size()));
            }
            const auto value = random_vector(col_index.size(), 3);
            const SparseMatrix a{rows, cols, int64_t(col_index.size()), row_start.data(),
                                 col_index.data(), value.data()};
            const auto x = random_vector(size_t(cols), 4), y0 = random_vector(size_t(rows), 5);
            for (float beta : {0.0f, 0.5f}) {
                auto want = y0, got = y0;
                ref().sparse_gemv(a, 1.5f, x.data(), beta, want.data());
                for (int64_t r = 0; r < rows; ++r)
                    got[r] = cuda_body::sparse_row(row_start.data(), col_index.data(), value.data(), r,
                                                   1.5f, x.data(), beta, got[r]);
                expect_bitwise_equal(got, want, "sparse_gemv");

                std::vector<uint32_t> keys(col_index.begin(), col_index.end()), order, start;
                group(keys, size_t(cols), order, start);
                std::vector<int32_t> row_of(col_index.size());
                for (int64_t r = 0; r < rows; ++r)
                    for (int64_t p = row_start[r]; p < row_start[r + 1]; ++p) row_of[p] = int32_t(r);
                auto want_t = x, got_t = x;
                ref().sparse_gemv_transposed(a, 1.5f, y0.data(), beta, want_t.data());
                for (int64_t c = 0; c < cols; ++c)
                    got_t[c] = cuda_body::sparse_column(order.data(), start.data(), row_of.data(),
                                                        value.data(), size_t(c), 1.5f, y0.data(), beta, got_t[c]);
                expect_bitwise_equal(got_t, want_t, "sparse_gemv_transposed");
            }
        }
}

TEST(CudaBodies, SoftmaxRowsAddUpToTheReferenceBits) {
    for (int batch : {1, 3, 17, 128})
        for (int classes : {1, 3, 10, 17}) {
            auto logits = random_vector(size_t(batch) * classes, batch * 101 + classes, 3.0f);
            for (int c = 0; c < classes; c += 2) logits[c] = 2.5f;   // ties: the first maximum wins
            std::vector<int32_t> labels(batch);
            for (int b = 0; b < batch; ++b) labels[b] = (b * 7 + 3) % classes;
            std::vector<float> want(logits.size()), got(logits.size());
            int correct_want = -1;
            const double loss_want = ref().softmax_cross_entropy(batch, classes, logits.data(),
                                                                 labels.data(), want.data(), &correct_want);
            double loss = 0;
            int correct = 0;
            for (int b = 0; b < batch; ++b) {
                int hit = 0;
                loss += cuda_body::softmax_cross_entropy_row(batch, classes, logits.data(),
                                                             labels.data(), got.data(), b, hit);
                correct += hit;
            }
            EXPECT_EQ(loss, loss_want);
            EXPECT_EQ(correct, correct_want);
            expect_bitwise_equal(got, want, "dlogits");
        }
}

TEST(CudaBodies, ConvolutionIndexMapsGiveTheReferenceBits) {
    for (const ConvGeometry& g : geometries) {
        const size_t image_size = size_t(g.batch) * g.height * g.width * g.channels;
        const size_t rows = size_t(g.batch) * g.out_h() * g.out_w(), patch = cuda_body::patch_size(g);
        const int filters = 4;
        const auto image = random_vector(image_size, 7), kernel = random_vector(patch * filters, 8);
        // windows·kernel summed in double in window order is the reference's conv_forward
        std::vector<float> want(rows * filters), got(rows * filters);
        ref().conv_forward(g, filters, image.data(), kernel.data(), want.data());
        for (size_t q = 0; q < rows; ++q)
            for (int f = 0; f < filters; ++f) {
                double sum = 0;
                for (size_t p = 0; p < patch; ++p)
                    sum += double(cuda_body::im2col_value(g, image.data(), q, p)) * kernel[p * filters + f];
                got[q * filters + f] = float(sum);
            }
        expect_bitwise_equal(got, want, "im2col");

        const auto cols = random_vector(rows * patch, 9), base = random_vector(image_size, 10);
        auto image_want = base, image_got = base;
        ref().col2im(g, cols.data(), image_want.data());
        for (size_t e = 0; e < image_size; ++e)
            image_got[e] = cuda_body::col2im_element(g, cols.data(), base[e], e);
        expect_bitwise_equal(image_got, image_want, "col2im");
    }
}

TEST(CudaBodies, PoolingGivesTheReferenceBits) {
    for (const ConvGeometry& g : geometries) {
        const size_t image_size = size_t(g.batch) * g.height * g.width * g.channels;
        const size_t n_out = size_t(g.batch) * g.out_h() * g.out_w() * g.channels;
        auto x = random_vector(image_size, 11);
        for (size_t i = 0; i < image_size; i += 3) x[i] = 0.5f;   // ties: the first in the window
        std::vector<float> y_want(n_out), y_got(n_out);
        std::vector<int32_t> arg_want(n_out), arg_got(n_out);
        ref().maxpool_forward(g, x.data(), y_want.data(), arg_want.data());
        for (size_t o = 0; o < n_out; ++o) y_got[o] = cuda_body::maxpool_output(g, x.data(), o, arg_got[o]);
        expect_bitwise_equal(y_got, y_want, "maxpool_forward");
        EXPECT_EQ(arg_got, arg_want);

        const auto dy = random_vector(n_out, 12), base = random_vector(image_size, 13);
        auto dx_want = base, dx_got = base;
        ref().maxpool_backward(g, n_out, dy.data(), arg_want.data(), dx_want.data());
        for (size_t e = 0; e < image_size; ++e)
            dx_got[e] = cuda_body::maxpool_gradient_element(g, dy.data(), arg_want.data(), base[e], e);
        expect_bitwise_equal(dx_got, dx_want, "maxpool_backward");
    }
}

TEST(CudaBodies, DenseProjectionEntriesGiveTheHostBits) {
    const uint64_t seed = 0x1234567890abcdefull;
    const size_t dim_full = 300, dim_sub = 37;
    std::vector<double> norms = dense_column_norms(seed, dim_full, dim_sub);
    norms[5] = 0;   // a zero column stays unnormalised
    for (size_t row_begin : {size_t(0), size_t(13), size_t(250)}) {
        const size_t rows = 50;
        std::vector<float> want(rows * dim_sub), got(rows * dim_sub);
        ref().dense_projection_rows(seed, row_begin, rows, dim_sub, norms.data(), want.data());
        for (size_t i = 0; i < got.size(); ++i)
            got[i] = cuda_body::dense_projection_entry(seed, row_begin + i / dim_sub, i % dim_sub, norms.data());
        expect_bitwise_equal(got, want, "rows from " + std::to_string(row_begin));
    }
}

TEST(CudaBodies, ElementwiseAndOptimiserStepsGiveTheReferenceBits) {
    for (size_t n : tail_sizes) {
        const auto x = random_vector(n, 21), y = random_vector(n, 22), g = random_vector(n, 23);
        for (float beta : {0.0f, 0.75f}) {
            auto want = y, got = y;
            ref().axpby(n, 1.25f, x.data(), beta, want.data());
            for (size_t i = 0; i < n; ++i) got[i] = cuda_body::axpby(1.25f, x[i], beta, got[i]);
            expect_bitwise_equal(got, want, "axpby");
        }
        std::vector<float> want(n), got(n);
        ref().relu_backward(n, x.data(), y.data(), want.data());
        for (size_t i = 0; i < n; ++i) got[i] = cuda_body::relu_gradient(x[i], y[i]);
        expect_bitwise_equal(got, want, "relu_backward");

        auto v_want = y, p_want = x, v_got = y, p_got = x;
        ref().sgd_momentum_step(n, 0.1f, 0.9f, g.data(), v_want.data(), p_want.data());
        for (size_t i = 0; i < n; ++i) cuda_body::sgd_momentum(0.1f, 0.9f, g[i], v_got[i], p_got[i]);
        expect_bitwise_equal(p_got, p_want, "sgd");

        std::vector<float> m_want(n, 0.1f), s_want(n, 0.2f), q_want = x;
        auto m_got = m_want, s_got = s_want, q_got = q_want;
        const int64_t step = 3;
        ref().adam_step(n, 1e-3f, 0.9f, 0.999f, 1e-8f, step, g.data(), m_want.data(), s_want.data(), q_want.data());
        const double lr_t = 1e-3f * std::sqrt(1.0 - std::pow(0.999f, double(step))) /
                            (1.0 - std::pow(double(0.9f), double(step)));
        for (size_t i = 0; i < n; ++i)
            cuda_body::adam(lr_t, 0.9f, 0.999f, 1e-8f, g[i], m_got[i], s_got[i], q_got[i]);
        expect_bitwise_equal(m_got, m_want, "adam m");
        expect_bitwise_equal(s_got, s_want, "adam v");
        expect_bitwise_equal(q_got, q_want, "adam θ");
    }
}
