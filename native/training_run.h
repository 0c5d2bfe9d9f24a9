// One training run as the CLI makes it (full training, or a subspace run at some d and seed),
// its record for the reports, the per-d summary, and the Ctrl-C flag every run checks.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "idim/dint_procedure.h"
#include "idim/op_counter.h"
#include "idim/run_spec.h"
#include "idim/trainer.h"
#include "problem.h"
#include "progress.h"

namespace idim::cli {

struct RunRecord {
    uint64_t d = 0;                 // 0: full training (all D parameters)
    uint64_t seed = 0;
    std::string projection;         // the P that ran, e.g. "fastfood", "dense-tiled", "said/sparse"
    TrainResult result;             // trainable vector dropped (reports do not need it)
    double score = 0;               // the judged accuracy (--metric): test or train; NaN if diverged
    // For a run trained on to its last epoch after an early stop (dint's check of the verdict its
    // answer rests on): that stop, e.g. "cannot_reach_target after 5 epochs at 0.8473".
    std::string trained_past;
    bool stopped_early = false;     // an early stop ended it (result.checkpoint, if kept, says where)
    // --op-stats: the backend calls of the training steps (evaluation and setup left out) and
    // the steps they add up over.
    OpCounts step_ops;
    int64_t counted_steps = 0;
};

// Checkpoints of runs an early stop ended, by (d, seed): runs found here go on from them.
using Checkpoints = std::map<std::pair<uint64_t, uint64_t>, std::shared_ptr<const TrainCheckpoint>>;

struct RunContext {
    const Problem& problem;
    const CommonOptions& options;
    const SubspaceOptions* subspace = nullptr;   // null: full training
    double target_accuracy = std::numeric_limits<double>::quiet_NaN();
    const Checkpoints* resume = nullptr;
    // --save: keep the final trainable vector in the record, and see the trainer before the
    // first step and after each (--save-every's checkpoints).
    bool keep_trainable = false;
    std::function<void(const Trainer&)> on_trainer;
};

// How a run reports while it trains: a detailed bar for a single run, nothing for pooled runs.
enum class RunDetail { steps, none };

// Trains one run (the caller sets the backend's thread count beforehand); a NaN/inf loss ends it as diverged (never an exception). Ctrl-C ends it after
// the current epoch as cancelled. With --epochs 0 (allowed only with --init) it evaluates the
// starting point without a step.
RunRecord run_one(const RunContext& ctx, uint64_t d, uint64_t seed, Progress* progress,
                  RunDetail detail);

// The core's outcome of a run: its judged accuracy (--metric) and how it ended.
RunOutcome outcome_of(const RunRecord& r);

// The core's per-d summary of the judged accuracy, with the means of the other measures (a
// failed run counts as the core counts it: accuracy 0, loss NaN).
struct DSummary : idim::DSummary {
    double mean_test = 0, mean_train = 0, mean_test_loss = 0;
};
std::vector<DSummary> summarise(const std::vector<RunRecord>& runs);   // sorted by d

// Ctrl-C: the first sets the flag (runs stop after their epoch, results are written); the second
// kills the process as usual.
void install_interrupt_handler();
bool interrupted();

struct Interrupted {};   // thrown to unwind a sweep or search once the flag is set

}  // namespace idim::cli
