// Runs independent (d, seed) runs concurrently on --jobs threads. The core has no threads of its
// own, so each run is single-threaded and gets its own Task and Parametrization (models keep
// scratch buffers). Finished runs are handed to a callback at once, so results can be saved
// incrementally and nothing computed is lost.
#pragma once
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "training_run.h"

namespace idim::cli {

using RunList = std::vector<std::pair<uint64_t, uint64_t>>;   // (d, seed)

// Returns the records in the order of `runs`. on_done is called (serialised) as each run ends.
// With jobs == 1 the runs use ctx.options.threads for their matrix products; with more, one
// thread each, however few runs there are (callers with a fixed list pass min(jobs, runs)). An
// error in a run stops the pool from starting new runs and is rethrown after the running ones
// end; so is Interrupted once Ctrl-C was pressed.
std::vector<RunRecord> run_pool(const RunContext& ctx, const RunList& runs, int jobs,
                                Progress& progress,
                                const std::function<void(const RunRecord&)>& on_done);

// The thread count of each run of a pool of `jobs`: --threads for one run at a time, else one.
// A run's sums, and so its bits, depend on it.
int run_threads(const CommonOptions& o, int jobs);
// "d = 750  seed 0  test acc 0.8612  (reached_target after 9 epochs, 12s)"
std::string run_summary_line(const RunRecord& r);

// What trains a list of runs: run_pool here, or the other ranks of an MPI job (mpi_runs.h). Both
// give a run the same thread count for the same `jobs`, and so the same bits.
using RunOnDone = std::function<void(const RunRecord&)>;
using RunPoolFn = std::function<std::vector<RunRecord>(const RunContext&, const RunList&, int,
                                                       Progress&, const RunOnDone&)>;

}  // namespace idim::cli
