// The d_int search on synthetic runs whose answer is known, so the search logic is checked
// without training anything.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "idim/error.h"
#include "idim/intrinsic_dim.h"

using namespace idim;

namespace {
// Accuracy 0.95 from d = answer on, 0.5 below; seed 1 diverges when `diverge_seed1` is set.
RunBatch step_runner(uint64_t answer, std::set<uint64_t>* tried = nullptr) {
    return [answer, tried](const std::vector<std::pair<uint64_t, uint64_t>>& jobs) {
        std::vector<RunOutcome> out;
        for (auto [d, seed] : jobs) {
            if (tried) tried->insert(d);
            out.push_back({d, seed, d >= answer ? 0.95 : 0.5});
        }
        return out;
    };
}
}  // namespace

TEST(IntrinsicDim, BisectionFindsTheExactStepWithTightPrecision) {
    DintConfig c;
    c.d_min = 10;
    c.d_max = 1000;
    c.relative_precision = 1e-9;
    DintResult r = search_intrinsic_dim(c, 0.9, step_runner(37));
    ASSERT_TRUE(r.d_int.has_value());
    EXPECT_EQ(*r.d_int, 37u);
    EXPECT_EQ(r.runs.size() % 3, 0u);   // every d ran all three seeds
}

TEST(IntrinsicDim, CoarsePrecisionStaysWithinItsBracket) {
    DintConfig c;
    c.d_min = 10;
    c.d_max = 100000;
    std::set<uint64_t> tried;
    DintResult r = search_intrinsic_dim(c, 0.9, step_runner(750, &tried));
    ASSERT_TRUE(r.d_int.has_value());
    EXPECT_GE(*r.d_int, 750u);
    EXPECT_LE(*r.d_int, uint64_t(750 * 1.05) + 1);
    EXPECT_EQ(tried.count(*r.d_int), 1u);
    EXPECT_EQ(tried.count(100000), 0u);   // stopped the coarse sweep at the first passing d
}

TEST(IntrinsicDim, NothingPassingGivesNoAnswer) {
    DintConfig c;
    c.d_min = 1;
    c.d_max = 50;
    DintResult r = search_intrinsic_dim(c, 0.9, step_runner(1000));
    EXPECT_FALSE(r.d_int.has_value());
    EXPECT_EQ(r.runs.back().d, 50u);   // d_max itself was tried
}

TEST(IntrinsicDim, DivergedRunsCountAsZeroInTheMean) {
    std::vector<RunOutcome> runs = {{5, 0, 0.9}, {5, 1, std::nan(""), true}, {5, 2, 0.9}};
    EXPECT_NEAR(mean_accuracy(runs), 0.6, 1e-12);
}

TEST(IntrinsicDim, FirstPassingDReadsTheGridInOrder) {
    std::vector<RunOutcome> runs = {{400, 0, 0.95}, {100, 0, 0.5}, {200, 0, 0.91}, {200, 1, 0.89}};
    EXPECT_EQ(first_passing_d(runs, 0.9), std::optional<uint64_t>(200));
    EXPECT_EQ(first_passing_d(runs, 0.99), std::nullopt);
}

TEST(IntrinsicDim, ImpossibleRangesAreRefused) {
    DintConfig c;
    c.d_min = 0;
    c.d_max = 10;
    EXPECT_THROW(search_intrinsic_dim(c, 0.9, step_runner(5)), Error);
    c.d_min = 20;
    EXPECT_THROW(search_intrinsic_dim(c, 0.9, step_runner(5)), Error);
}
