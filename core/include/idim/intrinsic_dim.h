// The d_int90 search of Li et al. (2018): the smallest d whose mean accuracy over seeds reaches
// 90% of the baseline. A coarse geometric sweep brackets it, bisection narrows it. The search only
// decides which d to try next; running a (d, seed) is the caller's (so the CLI can run them
// concurrently and the browser in workers).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace idim {

struct RunOutcome {
    uint64_t d;
    uint64_t seed;
    double accuracy;                // NaN when the run diverged
    bool diverged = false;
};

struct DintConfig {
    uint64_t d_min = 10, d_max = 0;     // d_max: at most D
    int seeds = 3;
    double fraction = 0.9;              // 0.9 → d_int90, 1.0 → d_int100
    double growth = 2.0;                // coarse sweep ratio between successive d
    double relative_precision = 0.05;   // bisect until hi/lo − 1 ≤ this (or hi − lo ≤ 1)
};

// Mean accuracy over the seeds of one d; diverged runs count as accuracy 0.
double mean_accuracy(const std::vector<RunOutcome>& runs_at_d);

struct DintResult {
    std::optional<uint64_t> d_int;      // none if even d_max fails
    double threshold = 0;
    std::vector<RunOutcome> runs;       // every run, in the order made
};

// run_batch runs every (d, seed) of the list it is given (in any order or concurrently) and
// returns their outcomes. The search asks for one d's seeds at a time during bisection and for
// the whole coarse grid at once.
using RunBatch = std::function<std::vector<RunOutcome>(const std::vector<std::pair<uint64_t, uint64_t>>&)>;
DintResult search_intrinsic_dim(const DintConfig& config, double threshold, const RunBatch& run_batch);

// d_int from runs already made, as the original reads a grid: the first d (in increasing order)
// whose mean accuracy reaches the threshold.
std::optional<uint64_t> first_passing_d(const std::vector<RunOutcome>& runs, double threshold);

}  // namespace idim
