// The bound search (bound_search.h) on a small separable problem, called directly as a front end
// does: the chosen candidate is the lowest bound of those it reports, every candidate's bound is
// Occam's bound of its own training error and code length, the final codebook is the better of
// chosen and fine-tuned, a given level count is the only one tried, and the search repeats
// bit for bit. Runs under the remote backend too.
#include <gtest/gtest.h>

#include <iterator>

#include "expect_error.h"
#include "idim/bound_search.h"
#include "idim/model.h"
#include "idim/subspace.h"
#include "synthetic_data.h"

namespace idim {
namespace {

using testing::expect_error;

constexpr uint64_t kSeed = 3;

struct Problem {
    Backend& be = default_backend();
    std::unique_ptr<Task> task = classification_task(
        make_model({ModelKind::fc, {16}}, Shape{1, 1, 6}, 3), testing::blob_split());
    std::unique_ptr<Parametrization> inner;
    TrainConfig config = subspace_train_config();
    Problem() {
        SubspaceSpec spec;
        spec.d = 20;
        spec.seed = kSeed;
        inner = make_parametrization(be, *task, spec);
        config.epochs = 2;
        config.batch = 32;
        config.seed = kSeed;
    }
    BoundSearchResult search(const BoundSearchConfig& settings, BoundSearchHooks hooks = {}) {
        return bound_search(be, *task, *inner, config, kSeed, false, settings, hooks);
    }
};

TEST(BoundSearch, ChoosesTheLowestBoundOfTheLevelsItTried) {
    Problem p;
    std::vector<int> announced;
    BoundSearchHooks hooks;
    hooks.on_quantised = [&](int levels) { announced.push_back(levels); };
    BoundSearchConfig settings;
    settings.finetune_epochs = 1;
    const BoundSearchResult r = p.search(settings, hooks);

    EXPECT_EQ(announced, std::vector<int>(std::begin(bound_level_choices), std::end(bound_level_choices)));
    ASSERT_EQ(r.quantised.size(), announced.size());
    ASSERT_LT(r.chosen, r.quantised.size());
    for (size_t i = 0; i < r.quantised.size(); ++i) {
        const BoundCandidate& c = r.quantised[i];
        // k-means merges levels beyond the distinct values: at most the count asked for
        EXPECT_GE(c.q.codebook.size(), 1u);
        EXPECT_LE(c.q.codebook.size(), size_t(announced[i]));
        EXPECT_EQ(c.q.codes.size(), 20u);
        EXPECT_LE(r.quantised[r.chosen].bound.kl, c.bound.kl) << announced[i] << " levels";
        if (i < r.chosen) EXPECT_LT(r.quantised[r.chosen].bound.kl, c.bound.kl) << "first of ties";
        // each bound is Occam's of the candidate's own training error and description length
        const OccamBound expected = occam_bound(1 - c.train.accuracy, 600, c.bits.total(), 0.05);
        EXPECT_EQ(c.bound.kl, expected.kl);
        EXPECT_EQ(c.bits.total(), description_length(c.q, kSeed).total());
    }
    ASSERT_TRUE(r.fine_tuned);
    // fine-tuning moves the codebook, never the codes, so the description length is the same
    EXPECT_EQ(r.fine_tuned->q.codes, r.quantised[r.chosen].q.codes);
    EXPECT_EQ(r.fine_tuned->bits.total(), r.quantised[r.chosen].bits.total());
    const bool tuned_wins = r.fine_tuned->bound.kl <= r.quantised[r.chosen].bound.kl;
    EXPECT_EQ(&r.final(), tuned_wins ? &*r.fine_tuned : &r.quantised[r.chosen]);
    EXPECT_GT(r.trained.test_accuracy, 0.9);   // separable blobs; chance is 1/3
}

TEST(BoundSearch, GivenLevelsAreTheOnlyOnesTried) {
    Problem p;
    BoundSearchConfig settings;
    settings.levels = 5;
    settings.finetune_epochs = 0;
    const BoundSearchResult r = p.search(settings);
    ASSERT_EQ(r.quantised.size(), 1u);
    EXPECT_EQ(r.chosen, 0u);
    EXPECT_LE(r.quantised[0].q.codebook.size(), 5u);
    EXPECT_FALSE(r.fine_tuned);
    EXPECT_EQ(&r.final(), &r.quantised[0]);
}

TEST(BoundSearch, RepeatsBitForBit) {
    BoundSearchConfig settings;
    settings.finetune_epochs = 1;
    const BoundSearchResult a = Problem().search(settings), b = Problem().search(settings);
    EXPECT_EQ(a.trained.trainable, b.trained.trainable);
    ASSERT_EQ(a.quantised.size(), b.quantised.size());
    for (size_t i = 0; i < a.quantised.size(); ++i) {
        EXPECT_EQ(a.quantised[i].q.codebook, b.quantised[i].q.codebook);
        EXPECT_EQ(a.quantised[i].bound.kl, b.quantised[i].bound.kl);
    }
    EXPECT_EQ(a.chosen, b.chosen);
    EXPECT_EQ(a.final().q.codebook, b.final().q.codebook);
    EXPECT_EQ(a.final().bound.kl, b.final().bound.kl);
}

TEST(BoundSearch, RefusesImpossibleSettings) {
    Problem p;
    BoundSearchConfig bad;
    bad.levels = 257;
    expect_error([&] { p.search(bad); }, {"levels must be in 1 … 256", "got 257"});
    bad = {};
    bad.delta = 1;
    expect_error([&] { p.search(bad); }, {"delta must be in (0, 1), got 1"});
    bad = {};
    bad.finetune_lr = 0;
    expect_error([&] { p.search(bad); }, {"finetune-lr must be positive, got 0"});
    bad = {};
    bad.finetune_epochs = -1;
    expect_error([&] { p.search(bad); }, {"finetune-epochs must not be negative, got -1"});
}

}  // namespace
}  // namespace idim
