// The d_int90 search of Li et al. (2018): the smallest d whose mean accuracy over seeds reaches
// 90% of the baseline. A coarse geometric sweep brackets it, bisection narrows it. The search only
// decides which d to try next; running a (d, seed) is the caller's (so the CLI can run them
// concurrently and the browser in workers). Runs may stop early (trainer.h: once past the
// threshold, or once they seem unable to reach it), so a verdict may differ from the one the full
// budget gives: a pass chosen at the epoch the test accuracy crossed the threshold may not hold at
// the last epoch, and a run given up might have gained. The two verdicts the answer rests on (the
// largest failing and the smallest passing d) are therefore checked with those runs trained to
// the end, and the search goes on from there where a verdict turns.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace idim {

struct RunRequest {
    uint64_t d;
    uint64_t seed;
    bool early_stops = true;        // false: train every epoch, whatever the accuracy on the way
};

struct RunOutcome {
    uint64_t d;
    uint64_t seed;
    double accuracy;                // NaN when the run diverged
    bool diverged = false;
    bool stopped_early = false;     // an early-stop rule ended it before its last epoch
};

struct DintConfig {
    uint64_t d_min = 10, d_max = 0;     // d_max: at most D
    int seeds = 3;
    uint64_t first_seed = 0;            // a d's runs have seeds first_seed … first_seed + seeds − 1
    double fraction = 0.9;              // 0.9 → d_int90, 1.0 → d_int100
    double growth = 2.0;                // coarse sweep ratio between successive d
    double relative_precision = 0.05;   // bisect until hi/lo − 1 ≤ this (or hi − lo ≤ 1)
};

// Throws idim::Error for impossible settings (d_min < 1, d_max < d_min, seeds < 1, ...).
void validate(const DintConfig& config);

// "Mean over seeds, a diverged run counts as 0": a run that diverged (or has no accuracy) adds 0
// to its d's mean; counted_accuracy is what a run adds.
bool run_failed(const RunOutcome& run);
double counted_accuracy(const RunOutcome& run);
// Mean of counted_accuracy over the seeds of one d.
double mean_accuracy(const std::vector<RunOutcome>& runs_at_d);

struct DintResult {
    std::optional<uint64_t> d_int;      // none if even d_max fails
    double threshold = 0;
    // Every (d, seed) run, in the order first made; a run trained on to its last epoch replaces
    // its early-stopped outcome.
    std::vector<RunOutcome> runs;
};

// run_batch runs every request of the list it is given (in any order or concurrently) and
// returns their outcomes. The search asks for one d's seeds at a time, and for the runs of a
// decisive d that stopped early, once more, to be trained on to their last epoch.
using RunBatch = std::function<std::vector<RunOutcome>(const std::vector<RunRequest>&)>;
DintResult search_intrinsic_dim(const DintConfig& config, double threshold, const RunBatch& run_batch);

// d_int from runs already made, as the original reads a grid: the first d (in increasing order)
// whose mean accuracy reaches the threshold.
std::optional<uint64_t> first_passing_d(const std::vector<RunOutcome>& runs, double threshold);

}  // namespace idim
