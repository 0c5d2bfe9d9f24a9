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

}  // namespace idim::cli
