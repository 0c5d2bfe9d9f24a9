// The d_int search on synthetic runs whose answer is known, so the search logic is checked
// without training anything.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "idim/error.h"
#include "idim/dint_search.h"

using namespace idim;

namespace {
// Accuracy 0.95 from d = answer on, 0.5 below; seed 1 diverges when `diverge_seed1` is set.
RunBatch step_runner(uint64_t answer, std::set<uint64_t>* tried = nullptr) {
    return [answer, tried](const std::vector<RunRequest>& jobs) {
        std::vector<RunOutcome> out;
        for (const RunRequest& j : jobs) {
            if (tried) tried->insert(j.d);
            out.push_back({j.d, j.seed, j.d >= answer ? 0.95 : 0.5});
        }
        return out;
    };
}

// Runs whose early stops mislead: trained to the end every d ≥ answer reaches 0.95 and every
// smaller d `below` (a run stopped early reads `below_early`); with early stops two of the three
// seeds of a d in [answer, early_answer) are given up at 0.5, so the mean (0.65) fails there.
struct EarlyStoppedRuns {
    uint64_t answer, early_answer;
    double below = 0.5, below_early = 0.4;
    std::vector<RunRequest> asked;

    RunOutcome run(const RunRequest& j) {
        asked.push_back(j);
        if (j.d >= early_answer) return {j.d, j.seed, 0.95};
        if (j.d >= answer) {
            if (j.early_stops && j.seed < 2) return {j.d, j.seed, 0.5, false, true};
            return {j.d, j.seed, 0.95};
        }
        if (j.early_stops) return {j.d, j.seed, below_early, false, true};
        return {j.d, j.seed, below};
    }
    RunBatch batch() {
        return [this](const std::vector<RunRequest>& jobs) {
            std::vector<RunOutcome> out;
            for (const RunRequest& j : jobs) out.push_back(run(j));
            return out;
        };
    }
    std::vector<RunRequest> finished() const {
        std::vector<RunRequest> out;
        for (const RunRequest& j : asked)
            if (!j.early_stops) out.push_back(j);
        return out;
    }
};

DintConfig tight_search(uint64_t d_max) {
    DintConfig c;
    c.d_min = 10;
    c.d_max = d_max;
    c.relative_precision = 1e-9;
    return c;
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

TEST(IntrinsicDim, EarlyStopsThatDecideTheAnswerAreTrainedOut) {
    EarlyStoppedRuns runs{700, 800};
    DintResult r = search_intrinsic_dim(tight_search(100000), 0.9, runs.batch());
    ASSERT_TRUE(r.d_int.has_value());
    EXPECT_EQ(*r.d_int, 700u);   // with the early stops' verdicts it would be 800
    std::set<std::pair<uint64_t, uint64_t>> seen;
    for (const RunOutcome& o : r.runs) {
        EXPECT_TRUE(seen.insert({o.d, o.seed}).second) << "d " << o.d << " seed " << o.seed;
        if (o.d >= 700) EXPECT_DOUBLE_EQ(o.accuracy, 0.95) << "d " << o.d;   // finished outcomes kept
    }
    for (const RunRequest& j : runs.finished())   // only the seeds that stopped early
        if (j.d >= 700) EXPECT_LT(j.seed, 2u) << "d " << j.d;
    EXPECT_EQ(runs.finished().back().d, 699u);   // and the failing d below the answer, checked
}

TEST(IntrinsicDim, OnlyTheDecisiveFailingDIsTrainedOut) {
    EarlyStoppedRuns runs{750, 750};   // the early stops below 750 are right
    DintResult r = search_intrinsic_dim(tight_search(100000), 0.9, runs.batch());
    ASSERT_TRUE(r.d_int.has_value());
    EXPECT_EQ(*r.d_int, 750u);
    std::vector<RunRequest> finished = runs.finished();
    ASSERT_EQ(finished.size(), 3u);
    for (const RunRequest& j : finished) EXPECT_EQ(j.d, 749u);
    std::vector<RunOutcome> at_749;
    for (const RunOutcome& o : r.runs)
        if (o.d == 749) at_749.push_back(o);
    EXPECT_NEAR(mean_accuracy(at_749), 0.5, 1e-12);   // the finished outcomes replaced the early
}

TEST(IntrinsicDim, AFailingDMaxStoppedEarlyIsTrainedOut) {
    EarlyStoppedRuns runs{30, 1000};
    DintResult r = search_intrinsic_dim(tight_search(50), 0.9, runs.batch());
    ASSERT_TRUE(r.d_int.has_value());
    EXPECT_EQ(*r.d_int, 30u);
}

TEST(IntrinsicDim, RunsStoppedAtFullAccuracyAreNotTrainedAgain) {
    // As the toy task: a solved run stops at accuracy 1, an unsolved one completes at 0.
    int finish_requests = 0;
    RunBatch batch = [&](const std::vector<RunRequest>& jobs) {
        std::vector<RunOutcome> out;
        for (const RunRequest& j : jobs) {
            finish_requests += !j.early_stops;
            out.push_back({j.d, j.seed, j.seed == 0 ? 1.0 : 0.0, false, j.seed == 0});
        }
        return out;
    };
    DintResult r = search_intrinsic_dim(tight_search(50), 1.0, batch);
    EXPECT_FALSE(r.d_int.has_value());
    EXPECT_EQ(finish_requests, 0);
}

namespace {
// Runs that cross the threshold at some epoch and stop there (0.95) from d = early_pass on, but
// trained to their last epoch hold it only from d = answer on (below it they end at 0.85).
struct PassesThatDoNotHold {
    uint64_t answer, early_pass;
    std::vector<RunRequest> finished;
    RunBatch batch() {
        return [this](const std::vector<RunRequest>& jobs) {
            std::vector<RunOutcome> out;
            for (const RunRequest& j : jobs) {
                if (!j.early_stops) finished.push_back(j);
                if (j.d < early_pass) out.push_back({j.d, j.seed, 0.5});
                else if (j.early_stops) out.push_back({j.d, j.seed, 0.95, false, true});
                else out.push_back({j.d, j.seed, j.d >= answer ? 0.95 : 0.85});
            }
            return out;
        };
    }
};
}  // namespace

TEST(IntrinsicDim, APassChosenByAnEarlyStopIsCheckedAtTheLastEpoch) {
    PassesThatDoNotHold runs{800, 700};
    DintResult r = search_intrinsic_dim(tight_search(100000), 0.9, runs.batch());
    ASSERT_TRUE(r.d_int.has_value());
    EXPECT_EQ(*r.d_int, 800u);   // with the early stops' verdicts it would be 700
    for (const RunOutcome& o : r.runs)   // the finished outcomes replaced the early ones
        if (o.d >= 700 && o.d < 800) EXPECT_DOUBLE_EQ(o.accuracy, 0.85) << "d " << o.d;
    bool checked_answer = false;
    for (const RunRequest& j : runs.finished) checked_answer |= j.d == 800;
    EXPECT_TRUE(checked_answer);   // the passing verdict the answer rests on held at the end
}

TEST(IntrinsicDim, WhenNoTriedDPassesAtTheEndTheSweepGoesOnUpward) {
    // The coarse sweep 10, 20, … stops at 640 (an early pass); 640 fails when trained out and
    // nothing above it was tried, so the sweep goes on to 1,280 and bisects down to 1,000.
    PassesThatDoNotHold runs{1000, 600};
    DintResult r = search_intrinsic_dim(tight_search(100000), 0.9, runs.batch());
    ASSERT_TRUE(r.d_int.has_value());
    EXPECT_EQ(*r.d_int, 1000u);
    std::set<std::pair<uint64_t, uint64_t>> seen;
    for (const RunOutcome& o : r.runs) EXPECT_TRUE(seen.insert({o.d, o.seed}).second) << o.d;
}

TEST(IntrinsicDim, APassThatDoesNotHoldAtDMaxGivesNoAnswer) {
    PassesThatDoNotHold runs{1000, 30};
    DintResult r = search_intrinsic_dim(tight_search(50), 0.9, runs.batch());
    EXPECT_FALSE(r.d_int.has_value());
}
