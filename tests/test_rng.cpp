// The counter-based generator: Philox bit-for-bit against Random123 and its published known
// answers, the moments of normal(), exact_log against libm, determinism and stream independence.
#include <Random123/philox.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "idim/rng.h"

namespace idim {
namespace {

PhiloxCounter random123(const PhiloxCounter& c, const PhiloxKey& k) {
    r123::Philox4x32 philox;  // philox4x32_R(10, ...)
    r123::Philox4x32::ctr_type counter = {{c[0], c[1], c[2], c[3]}};
    r123::Philox4x32::key_type key = {{k[0], k[1]}};
    auto out = philox(counter, key);
    return {out[0], out[1], out[2], out[3]};
}

TEST(Philox, KnownAnswerVectors) {
    // Random123's kat_vectors for philox4x32 with 10 rounds.
    EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
              (PhiloxCounter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
    EXPECT_EQ(philox4x32_10({~0u, ~0u, ~0u, ~0u}, {~0u, ~0u}),
              (PhiloxCounter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
    EXPECT_EQ(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                            {0xa4093822, 0x299f31d0}),
              (PhiloxCounter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(Philox, MatchesRandom123OnManyCountersAndKeys) {
    // Counters and keys from a simple LCG walk, plus edge words (0, 1, 2^31, 2^32 − 1).
    uint64_t state = 12345;
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return uint32_t(state >> 32);
    };
    const uint32_t edges[] = {0u, 1u, 0x80000000u, ~0u};
    for (int trial = 0; trial < 20000; ++trial) {
        PhiloxCounter c{next(), next(), next(), next()};
        PhiloxKey k{next(), next()};
        if (trial % 7 == 0) c[trial % 4] = edges[trial % 4];
        if (trial % 11 == 0) k[trial % 2] = edges[(trial / 11) % 4];
        ASSERT_EQ(philox4x32_10(c, k), random123(c, k)) << "trial " << trial;
    }
}

TEST(CounterRng, BitsUseTheDocumentedCounterAndKey) {
    CounterRng rng(0x0123456789ABCDEFull, Stream::dense_projection);
    uint64_t index = 0xFEDCBA9876543210ull;
    EXPECT_EQ(rng.bits(index), random123({0x76543210u, 0xFEDCBA98u, 2u, 0u},
                                         {0x89ABCDEFu, 0x01234567u}));
}

TEST(CounterRng, NormalHasUnitMoments) {
    // Over n = 1e6 draws the sample mean has standard error 1/√n = 1e-3 and the sample variance
    // √(2/n) ≈ 1.4e-3 (the fourth moment of N(0,1) is 3); 5 standard errors leave room for chance.
    CounterRng rng(7, Stream::init);
    const int n = 1000000;
    double sum = 0, sum_sq = 0, sum_4 = 0;
    for (int i = 0; i < n; ++i) {
        double z = rng.normal(i);
        sum += z;
        sum_sq += z * z;
        sum_4 += z * z * z * z;
    }
    double mean = sum / n, variance = sum_sq / n - mean * mean;
    EXPECT_NEAR(mean, 0.0, 5e-3);
    EXPECT_NEAR(variance, 1.0, 5 * std::sqrt(2.0 / n));
    EXPECT_NEAR(sum_4 / n, 3.0, 5 * std::sqrt(96.0 / n));  // Var(z⁴) = 105 − 9 = 96
}

TEST(CounterRng, NormalPairHoldsBothValuesOfTheIndexPair) {
    CounterRng rng(99, Stream::fastfood_gauss);
    for (uint64_t pair : {0ull, 1ull, 12345ull, 1ull << 40}) {
        auto [first, second] = rng.normal_pair(pair);
        EXPECT_EQ(first, rng.normal(2 * pair));
        EXPECT_EQ(second, rng.normal(2 * pair + 1));
    }
}

TEST(CounterRng, BatchedNormalsEqualOneAtATime) {
    // Odd and even starts, counts that end mid-pair and span several 64-pair batches, and a
    // start past 2^32 (the dense projection's row index lives in the high word).
    CounterRng rng(0xDEADBEEFull, Stream::dense_projection);
    for (uint64_t first : {0ull, 1ull, 77ull, (5ull << 32) + 3})
        for (size_t count : {size_t(0), size_t(1), size_t(2), size_t(129), size_t(1000)}) {
            std::vector<double> batch(count);
            rng.normals(first, count, batch.data());
            for (size_t k = 0; k < count; ++k)
                ASSERT_EQ(batch[k], rng.normal(first + k)) << "first " << first << " k " << k;
        }
}

TEST(CounterRng, SameSeedSameValuesOtherSeedOrStreamDiffers) {
    CounterRng a(42, Stream::init), b(42, Stream::init);
    CounterRng other_seed(43, Stream::init), other_stream(42, Stream::batch_order);
    int same_seed = 0, same_stream = 0;
    for (uint64_t i = 0; i < 1000; ++i) {
        ASSERT_EQ(a.normal(i), b.normal(i));
        ASSERT_EQ(a.uniform(i), b.uniform(i));
        same_seed += a.normal(i) == other_seed.normal(i);
        same_stream += a.bits(i) == other_stream.bits(i);
    }
    EXPECT_EQ(same_seed, 0);
    EXPECT_EQ(same_stream, 0);
}

TEST(CounterRng, UniformAndBelowStayInRange) {
    CounterRng rng(3, Stream::batch_order);
    double sum = 0;
    for (uint64_t i = 0; i < 100000; ++i) {
        float u = rng.uniform(i);
        ASSERT_GE(u, 0.0f);
        ASSERT_LT(u, 1.0f);
        sum += u;
        ASSERT_LT(rng.below(i, 7), 7u);
    }
    EXPECT_NEAR(sum / 100000, 0.5, 5 * std::sqrt(1.0 / 12 / 100000));  // 5 standard errors
}

double ulps_apart(double a, double b) {
    return std::abs(a - b) / std::max(std::nextafter(std::abs(b), 1e308) - std::abs(b), 1e-320);
}

TEST(ExactLog, AgreesWithLibmToAFewUlp) {
    // glibc's log is correctly rounded in practice; exact_log's error bound is about 2 ulp
    // (one rounding in t, a few in the series and the final sum).
    CounterRng rng(5, Stream::init);
    double worst = 0;
    for (uint64_t i = 0; i < 200000; ++i) {
        double x = std::ldexp(1.0 + rng.uniform(i), int(rng.below(i + 1, 2000)) - 1000);
        worst = std::max(worst, ulps_apart(exact_log(x), std::log(x)));
    }
    for (double x : {1e-310, 0.5, 0.7071067811865476, 1.0 - 1e-12, 1.0 + 1e-12, 2.0, 1e300})
        worst = std::max(worst, ulps_apart(exact_log(x), std::log(x)));
    EXPECT_LE(worst, 4.0);
    EXPECT_EQ(exact_log(1.0), 0.0);
    EXPECT_TRUE(std::isinf(exact_log(0.0)) && exact_log(0.0) < 0);
    EXPECT_TRUE(std::isnan(exact_log(-1.0)));
}

TEST(RandomPermutation, IsAPermutationAndDependsOnTheSeed) {
    const uint32_t n = 1000;
    std::vector<uint32_t> a(n), b(n), c(n);
    random_permutation(CounterRng(1, Stream::fastfood_permutation), n, a.data());
    random_permutation(CounterRng(1, Stream::fastfood_permutation), n, b.data());
    random_permutation(CounterRng(2, Stream::fastfood_permutation), n, c.data());
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    std::vector<uint32_t> sorted = a;
    std::sort(sorted.begin(), sorted.end());
    std::vector<uint32_t> identity(n);
    std::iota(identity.begin(), identity.end(), 0u);
    EXPECT_EQ(sorted, identity);
    EXPECT_NE(a, identity);
}

}  // namespace
}  // namespace idim
