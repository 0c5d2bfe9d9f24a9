// The whole d_int procedure of Li et al. (2018) as every front end runs it: the baseline (trained
// or fixed), the threshold (a fraction of it), the search (intrinsic_dim.h), the runs that stopped
// early trained on where the answer rests on them, and per-d summaries (how far d_int moves is
// measured by independent searches, independent_searches.h). It
// hands out one batch of runs at a time and waits for their outcomes, so whoever trains them — the
// CLI's thread pool, the page's Web Workers (asynchronously), other machines — plugs in the same
// way and reaches the same answer from the same outcomes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "idim/dint_search.h"

namespace idim {

// A request or outcome with d = baseline_d is a baseline run: full training of all D parameters.
constexpr uint64_t baseline_d = 0;

struct DintProcedureConfig {
    DintConfig search;
    std::optional<double> baseline;   // a fixed baseline accuracy in (0, 1]; none: train one
    int baseline_seeds = 1;           // baseline runs averaged (seeds search.first_seed + 0 … n − 1)
};

// The toy task (toy_task) is solved or not, so it has no accuracy to take 90% of: d_int100
// against a fixed baseline of 1, searched from d = 1 (its d_int, 10, is the usual d min).
DintProcedureConfig toy_dint_config();

// "d_int90", "d_int100": the result named after its fraction of the baseline.
std::string d_int_name(double fraction);

class DintProcedure {
public:
    explicit DintProcedure(DintProcedureConfig config);   // throws idim::Error for bad settings

    // The batch to run next: the baseline runs first (none with a fixed baseline), then the
    // search's batches; the same batch until it is reported; empty once finished.
    const std::vector<RunRequest>& next() const { return pending_; }
    // The outcomes of next()'s batch, in any order. Throws idim::Error for outcomes of other runs
    // and when the baseline diverged (it gives no threshold).
    void report(const std::vector<RunOutcome>& outcomes);
    bool finished() const { return pending_.empty(); }

    const DintProcedureConfig& config() const { return config_; }
    std::optional<double> baseline() const { return baseline_; }
    std::optional<double> threshold() const;
    const std::vector<RunOutcome>& baseline_runs() const { return baseline_runs_; }
    // The search's runs so far (result().d_int once finished).
    const DintResult& result() const { return result_; }

private:
    DintProcedureConfig config_;
    std::optional<double> baseline_;
    std::vector<RunOutcome> baseline_runs_;
    std::vector<std::vector<RunOutcome>> answered_;   // the search's batches, in order
    std::vector<RunRequest> pending_;
    DintResult result_;
    void advance();
};

struct DSummary {
    uint64_t d = 0;
    int runs = 0, diverged = 0;
    double mean = 0, min = 0, max = 0;   // of counted_accuracy over the runs at d
};
std::vector<DSummary> summarise(const std::vector<RunOutcome>& runs);   // sorted by d

}  // namespace idim
