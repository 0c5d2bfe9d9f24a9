// Compression bounds (bound.h): Occam's bound and the kl inverse against hand-computed cases, the
// description length of a hand-made quantised vector, k-means on values with a known answer, and
// the codebook parametrization's gradient against finite differences on the default backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "idim/bound.h"
#include "idim/buffer.h"
#include "idim/error.h"
#include "idim/projection.h"

namespace idim {
namespace {

TEST(Bound, OccamMatchesHandComputedCase) {
    // train error 0.1 on n = 10,000 with a 1,000-bit description at δ = 0.05:
    // complexity = (1000·ln 2 + ln 20) / 10000 = (693.1472 + 2.9957) / 10000 = 0.06961429;
    // Hoeffding form 0.1 + √(0.06961429 / 2) = 0.1 + 0.1865667 = 0.2865667;
    // kl⁻¹(0.1, 0.06961429) = 0.2464167 (solves 0.1·ln(0.1/p) + 0.9·ln(0.9/(1 − p)) = c).
    OccamBound b = occam_bound(0.1, 10000, 1000, 0.05);
    EXPECT_NEAR(b.complexity, 0.06961429, 1e-8);
    EXPECT_NEAR(b.hoeffding, 0.2865667, 1e-7);
    EXPECT_NEAR(b.kl, 0.2464167, 1e-7);
    EXPECT_NEAR(kl_bernoulli(0.1, b.kl), b.complexity, 1e-10);
    EXPECT_LT(b.kl, b.hoeffding);   // Pinsker: the kl form is never looser
}

TEST(Bound, KlInverseAtZeroTrainingErrorIsClosedForm) {
    // kl(0 ‖ p) = −ln(1 − p), so kl⁻¹(0, c) = 1 − e^(−c)
    for (double c : {1e-4, 0.01, 0.3, 2.0}) EXPECT_NEAR(kl_inverse_upper(0.0, c), 1 - std::exp(-c), 1e-11);
    // near p = q, kl ≈ (p − q)² / (2q(1 − q)) sinks below double rounding once |p − q| < ~1e-8
    EXPECT_NEAR(kl_inverse_upper(0.3, 0.0), 0.3, 1e-8);
    EXPECT_EQ(kl_inverse_upper(0.5, 100.0), 1.0);
}

TEST(Bound, RefusesImpossibleArguments) {
    EXPECT_THROW(occam_bound(0.1, 100, 10, 0.0), Error);
    EXPECT_THROW(occam_bound(0.1, 100, 10, 1.0), Error);
    EXPECT_THROW(occam_bound(1.5, 100, 10, 0.05), Error);
    EXPECT_THROW(occam_bound(0.1, 0, 10, 0.05), Error);
}

TEST(Bound, DescriptionLengthOfHandMadeVector) {
    // θ_d = (b, a, b, c, a, b) over the codebook (a, b, c): counts (2, 3, 1), d = 6
    Quantised q{{-1.0f, 0.5f, 2.0f}, {1, 0, 1, 2, 0, 1}};
    DescriptionLength bits = description_length(q, 0);
    EXPECT_EQ(bits.codes, 6.0);        // ⌈log₂(6! / (2!·3!·1!))⌉ = ⌈log₂ 60⌉ = ⌈5.907⌉
    EXPECT_EQ(bits.counts, 6.0);       // (3 − 1) counts of ⌈log₂ 7⌉ = 3 bits
    EXPECT_EQ(bits.codebook, 96.0);    // 3 float32
    // seed 0: γ(1) = 1 bit; d = 6: γ(6) = 5 bits; levels 8 bits; flags 16 bits
    EXPECT_EQ(bits.configuration, 1.0 + 5.0 + 8.0 + kConfigurationFlagBits);
    EXPECT_EQ(bits.total(), 6.0 + 6.0 + 96.0 + 30.0);
    // a pretrained start is named by its crc32: 32 bits more, nothing else changes
    DescriptionLength pretrained = description_length(q, 0, true);
    EXPECT_EQ(pretrained.start, kStartingPointBits);
    EXPECT_EQ(pretrained.total(), bits.total() + 32.0);
    EXPECT_EQ(elias_gamma_bits(1), 1.0);
    EXPECT_EQ(elias_gamma_bits(7), 5.0);
    EXPECT_EQ(elias_gamma_bits(8), 7.0);
    // one level: the codes cost nothing
    Quantised one{{0.25f}, {0, 0, 0, 0}};
    EXPECT_EQ(description_length(one, 0).codes, 0.0);
    EXPECT_EQ(description_length(one, 0).counts, 0.0);
}

TEST(Bound, KmeansFindsTheOptimum) {
    std::vector<float> values;
    std::mt19937 gen(3);
    std::normal_distribution<float> noise(0.0f, 0.01f);
    for (float centre : {-2.0f, 0.0f, 3.0f})
        for (int i = 0; i < 50 + int(centre * 10); ++i) values.push_back(centre + noise(gen));
    std::shuffle(values.begin(), values.end(), gen);
    Quantised q = kmeans_quantise(values, 3);
    ASSERT_EQ(q.codebook.size(), 3u);
    EXPECT_NEAR(q.codebook[0], -2.0f, 0.01f);   // a mean of 30+ draws of σ 0.01
    EXPECT_NEAR(q.codebook[1], 0.0f, 0.01f);
    EXPECT_NEAR(q.codebook[2], 3.0f, 0.01f);
    auto back = q.values();
    for (size_t i = 0; i < values.size(); ++i) EXPECT_NEAR(back[i], values[i], 0.06f) << i;
    // more levels than distinct values: the repeats merge
    EXPECT_EQ(kmeans_quantise(std::vector<float>{1, 1, 2, 2}, 8).codebook.size(), 2u);
    // a case Lloyd's algorithm from quantiles gets wrong: 0, 1, 2, 10, 11 at two levels splits
    // {0, 1, 2} | {10, 11} (error 2 + 0.5) and at three levels {0, 1} | {2} | {10, 11} or
    // {0} | {1, 2} | {10, 11} (error 0.5 + 0.5), against every split by brute force
    std::vector<float> small = {11, 0, 2, 10, 1};
    Quantised two = kmeans_quantise(small, 2);
    EXPECT_EQ(two.codebook, (std::vector<float>{1.0f, 10.5f}));
    EXPECT_EQ(two.codes, (std::vector<uint32_t>{1, 0, 0, 1, 0}));
    auto error = [&](const Quantised& q) {
        double e = 0;
        auto v = q.values();
        for (size_t i = 0; i < small.size(); ++i) e += (v[i] - small[i]) * (v[i] - small[i]);
        return e;
    };
    EXPECT_DOUBLE_EQ(error(kmeans_quantise(small, 3)), 1.0);
    EXPECT_DOUBLE_EQ(error(kmeans_quantise(small, 5)), 0.0);
}

TEST(Bound, CodebookGradientMatchesFiniteDifferences) {
    Backend& be = default_backend();
    const size_t dim = 300, d = 40;
    std::mt19937 gen(4);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> theta0(dim), w(dim), c(dim), sub(d);
    for (size_t i = 0; i < dim; ++i) theta0[i] = normal(gen), w[i] = 1 + 0.5f * normal(gen), c[i] = normal(gen);
    for (float& x : sub) x = normal(gen);
    ProjectionSpec spec;
    spec.kind = ProjectionKind::dense;
    spec.dim_full = dim;
    spec.dim_sub = d;
    spec.seed = 5;
    spec.groups = {{"w", 0, dim, true, 10}};
    auto inner = subspace_parametrization(be, theta0, make_projection(be, spec));
    Quantised q = kmeans_quantise(sub, 5);
    auto param = codebook_parametrization(be, *inner, q);
    ASSERT_EQ(param->trainable_count(), 5u);
    auto expand = [&](const std::vector<float>& t) {
        Buffer<float> tb(be, t), theta(be, dim);
        param->expand(be, tb.data(), theta.data());
        return theta.download();
    };
    auto loss = [&](const std::vector<float>& theta) {   // ½Σ w θ² + Σ c θ, quadratic in the codebook
        double s = 0;
        for (size_t i = 0; i < dim; ++i) s += 0.5 * w[i] * double(theta[i]) * theta[i] + c[i] * theta[i];
        return s;
    };
    Buffer<float> start(be, 5);
    param->init_trainable(be, start.data());
    std::vector<float> t = start.download();
    EXPECT_EQ(t, q.codebook);
    auto theta = expand(t);
    std::vector<float> dtheta(dim);
    for (size_t i = 0; i < dim; ++i) dtheta[i] = float(double(w[i]) * theta[i] + c[i]);
    Buffer<float> tb(be, t), dt(be, dtheta), g(be, 5);
    param->expand(be, tb.data(), Buffer<float>(be, dim).data());
    param->contract(be, tb.data(), dt.data(), g.data());
    auto grad = g.download();
    for (size_t k = 0; k < 5; ++k) {
        const float h = 0.25f;
        auto up = t, down = t;
        up[k] += h;
        down[k] -= h;
        const double fd = (loss(expand(up)) - loss(expand(down))) / (2.0 * h);
        // exact but for float θ: rounding of ~1e-7 relative on a loss of a few hundred
        EXPECT_NEAR(grad[k], fd, 1e-4 * std::abs(fd) + 2e-3) << "level " << k;
    }
}

}  // namespace
}  // namespace idim
