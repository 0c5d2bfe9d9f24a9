// The d_int procedure every front end drives: batch by batch it must reach exactly what the
// search reaches when called straight through, with the baseline first and the threshold taken
// from it; summaries count a diverged run as 0.
#include <gtest/gtest.h>

#include <cmath>

#include "expect_error.h"
#include "idim/dint_procedure.h"
#include "idim/error.h"
#include "idim/independent_searches.h"

namespace idim {
namespace {

using testing::expect_error;

// Accuracy 0.95 from d = answer on; below it 0.5, except seed 1 which reads `seed1_below`.
RunOutcome step_run(const RunRequest& r, uint64_t answer, double seed1_below = 0.5) {
    if (r.d == baseline_d) return {r.d, r.seed, r.seed == 0 ? 0.96 : 0.98};
    return {r.d, r.seed, r.d >= answer ? 0.95 : (r.seed == 1 ? seed1_below : 0.5)};
}

// Drives the procedure as a front end would, answering each batch in reverse order.
DintProcedure drive(const DintProcedureConfig& c, uint64_t answer, int* batches = nullptr) {
    DintProcedure p(c);
    int n = 0;
    while (!p.finished()) {
        std::vector<RunOutcome> out;
        for (const RunRequest& r : p.next()) out.insert(out.begin(), step_run(r, answer));
        p.report(out);
        ++n;
    }
    if (batches) *batches = n;
    return p;
}

DintProcedureConfig config(std::optional<double> baseline, int baseline_seeds = 1) {
    DintProcedureConfig c;
    c.search.d_min = 10;
    c.search.d_max = 100000;
    c.search.seeds = 3;
    c.baseline = baseline;
    c.baseline_seeds = baseline_seeds;
    return c;
}

TEST(DintProcedure, GivesWhatTheSearchGivesStraightThrough) {
    const double threshold = 0.9 * 0.97;
    RunBatch straight = [](const std::vector<RunRequest>& jobs) {
        std::vector<RunOutcome> out;
        for (const RunRequest& r : jobs) out.push_back(step_run(r, 750));
        return out;
    };
    DintResult direct = search_intrinsic_dim(config(0.97).search, threshold, straight);
    DintProcedure p = drive(config(0.97), 750);
    ASSERT_TRUE(p.result().d_int);
    EXPECT_EQ(p.result().d_int, direct.d_int);
    ASSERT_EQ(p.result().runs.size(), direct.runs.size());
    for (size_t i = 0; i < direct.runs.size(); ++i) {
        EXPECT_EQ(p.result().runs[i].d, direct.runs[i].d);
        EXPECT_EQ(p.result().runs[i].seed, direct.runs[i].seed);
    }
    EXPECT_TRUE(p.baseline_runs().empty());   // fixed: no baseline runs
    EXPECT_DOUBLE_EQ(*p.threshold(), threshold);
}

TEST(DintProcedure, EveryRunSeedCountsFromTheFirstSeed) {
    DintProcedureConfig c = config(std::nullopt, 2);
    c.search.first_seed = 40;
    DintProcedure p(c);
    ASSERT_EQ(p.next().size(), 2u);
    EXPECT_EQ(p.next()[0].seed, 40u);   // the baseline's seeds
    EXPECT_EQ(p.next()[1].seed, 41u);
    std::vector<RunOutcome> baseline;
    for (const RunRequest& r : p.next()) baseline.push_back({r.d, r.seed, 0.97});
    p.report(baseline);
    ASSERT_EQ(p.next().size(), 3u);
    for (size_t k = 0; k < 3; ++k) EXPECT_EQ(p.next()[k].seed, 40u + k);
}

TEST(DintProcedure, TrainsTheBaselineFirstAndTakesTheThresholdFromIt) {
    DintProcedure p(config(std::nullopt, 2));
    EXPECT_FALSE(p.baseline());
    ASSERT_EQ(p.next().size(), 2u);
    for (const RunRequest& r : p.next()) {
        EXPECT_EQ(r.d, baseline_d);
        EXPECT_FALSE(r.early_stops);   // the baseline trains every epoch
    }
    p.report({step_run(p.next()[1], 0), step_run(p.next()[0], 0)});
    EXPECT_DOUBLE_EQ(*p.baseline(), 0.97);
    EXPECT_DOUBLE_EQ(*p.threshold(), 0.9 * 0.97);
    EXPECT_EQ(p.next().front().d, 10u);   // then the coarse sweep from d_min
    int batches = 0;
    DintProcedure done = drive(config(std::nullopt, 2), 750, &batches);
    EXPECT_EQ(done.result().d_int, drive(config(0.97), 750).result().d_int);
    EXPECT_EQ(done.baseline_runs().size(), 2u);
    EXPECT_TRUE(done.next().empty());
    expect_error([&] { done.report({}); }, {"finished"});
}

TEST(DintProcedure, RefusesADivergedBaselineAndForeignOutcomes) {
    DintProcedure p(config(std::nullopt));
    expect_error([&] { p.report({{baseline_d, 0, NAN, true}}); }, {"baseline training diverged"});
    DintProcedure q(config(0.9));
    expect_error([&] { q.report({{11, 0, 0.5}, {10, 1, 0.5}, {10, 2, 0.5}}); },
                 {"no outcome for the run d = 10, seed 0"});
    expect_error([&] { q.report({{10, 0, 0.5}}); }, {"expected 3 outcomes"});
    DintProcedureConfig bad = config(1.5);
    expect_error([&] { DintProcedure{bad}; }, {"fixed baseline must be in (0, 1]"});
    bad = config(0.9);
    bad.search.fraction = 0;
    expect_error([&] { DintProcedure{bad}; }, {"fraction"});
}

TEST(DintProcedure, TrainsOnTheEarlyStoppedRunsItsAnswerRestsOn) {
    // Early stops read 0.4 below d = 100; trained to the end, d ≥ 60 reaches 0.95.
    DintProcedureConfig c = config(1.0);
    c.search.d_min = 10;
    c.search.d_max = 1000;
    c.search.relative_precision = 1e-9;
    DintProcedure p(c);
    std::vector<RunRequest> finished;
    while (!p.finished()) {
        std::vector<RunOutcome> out;
        for (const RunRequest& r : p.next()) {
            if (!r.early_stops) finished.push_back(r);
            if (r.d >= 100 || (r.d >= 60 && !r.early_stops)) out.push_back({r.d, r.seed, 0.95});
            else out.push_back({r.d, r.seed, r.early_stops ? 0.4 : 0.5, false, r.early_stops});
        }
        p.report(out);
    }
    EXPECT_EQ(p.result().d_int, std::optional<uint64_t>(60));
    EXPECT_FALSE(finished.empty());
}

TEST(DintProcedure, SummariesCountADivergedRunAsZero) {
    std::vector<DSummary> s = summarise({{20, 0, 0.8}, {10, 0, 0.9}, {10, 1, NAN, true}, {10, 2, 0.6}});
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].d, 10u);
    EXPECT_EQ(s[0].runs, 3);
    EXPECT_EQ(s[0].diverged, 1);
    EXPECT_NEAR(s[0].mean, 0.5, 1e-12);
    EXPECT_EQ(s[0].min, 0.0);
    EXPECT_EQ(s[0].max, 0.9);
    EXPECT_EQ(s[1].mean, 0.8);
}

// The name every front end writes (JSON key, plot label, the page's heading).
TEST(DintProcedure, NamesTheResultAfterItsFraction) {
    EXPECT_EQ(d_int_name(0.9), "d_int90");
    EXPECT_EQ(d_int_name(1.0), "d_int100");
    EXPECT_EQ(d_int_name(0.95), "d_int95");
}

// The toy task is solved or not: d_int100 of a fixed baseline 1, from d = 1 (its d_int is 10);
// the rest is the usual search, and the procedure then asks for no baseline run.
TEST(DintProcedure, TheToySearchIsDint100OfAFixedBaselineFromOne) {
    const DintProcedureConfig toy = toy_dint_config();
    EXPECT_EQ(toy.search.fraction, 1.0);
    EXPECT_EQ(toy.search.d_min, 1u);
    ASSERT_TRUE(toy.baseline.has_value());
    EXPECT_EQ(*toy.baseline, 1.0);
    EXPECT_EQ(toy.search.seeds, DintConfig{}.seeds);
    DintProcedureConfig c = toy;
    c.search.d_max = 1000;
    DintProcedure p(c);
    EXPECT_EQ(*p.threshold(), 1.0);
    ASSERT_FALSE(p.next().empty());
    EXPECT_EQ(p.next().front().d, 1u);
}

}  // namespace
}  // namespace idim

namespace idim {
namespace {

TEST(IndependentSearches, EachSearchHasSeedsOfItsOwn) {
    DintProcedureConfig c = config(std::nullopt, 1);
    c.search.first_seed = 5;
    EXPECT_EQ(independent_search(c, 0).search.first_seed, 5u);
    EXPECT_EQ(independent_search(c, 2).search.first_seed, 11u);   // 3 seeds a d
    c.baseline_seeds = 4;
    EXPECT_EQ(independent_search(c, 1).search.first_seed, 9u);    // 4 baseline seeds
    EXPECT_THROW(independent_search(c, -1), Error);
}

TEST(IndependentSearches, TheSpreadIsTheMedianAndRangeWithNotFoundAboveEveryD) {
    using D = std::optional<uint64_t>;
    DintSpread s = dint_spread({D(300), D(), D(200)});
    EXPECT_EQ(s.median, D(300));
    EXPECT_EQ(s.low, D(200));
    EXPECT_EQ(s.high, D());
    EXPECT_EQ(s.searches, (std::vector<D>{D(300), D(), D(200)}));   // in search order
    s = dint_spread({D(400), D(200), D(250), D(901)});
    EXPECT_EQ(s.median, D(250));   // an even count: the lower middle, a d that was tried
    EXPECT_EQ(s.high, D(901));
    EXPECT_EQ(dint_spread({D(400), D()}).median, D(400));
    EXPECT_EQ(dint_spread({D(), D()}).median, D());
    EXPECT_THROW(dint_spread({}), Error);
}

}  // namespace
}  // namespace idim
