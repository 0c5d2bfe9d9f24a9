// What sweep and dint share around their runs: the MPI job (a worker rank trains what rank 0
// sends and the command ends there), the pool that trains a list of runs, the results' head and
// plot, the journal's settings, and the ending that keeps every finished run whatever happens.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "mpi_runs.h"
#include "problem.h"
#include "report.h"
#include "results_writer.h"
#include "run_pool.h"

namespace idim::cli {

class SearchCommand {
public:
    // Joins the MPI job if there is one (its worker ranks print nothing) and checks the flags
    // (a search over d refuses LoRA, whose size its rank sets).
    SearchCommand(const CLI::App& app, CommonOptions& o, SubspaceOptions& sub,
                  const std::string& command);
    bool worker() const { return mpi_ && mpi_->rank() > 0; }
    // A worker rank: trains runs until rank 0 says stop. `full_training` is the baseline's context.
    void serve(const RunContext& full_training, const RunContext& subspace) {
        mpi_->serve(full_training, subspace);
    }
    // This process's threads, or the ranks of the MPI job.
    const RunPoolFn& pool() const { return pool_; }

    // version, config, data, D and the projection; the command adds its own fields.
    Json head(const Problem& problem) const;
    // The accuracy-against-d plot, with the threshold's fraction and the result's name.
    PlotSpec plot(const Problem& problem, double fraction) const;
    // The journal's settings: what determines the runs, i.e. the head without --threads (a run's
    // bits depend on its thread count, which `jobs` sets, not on --threads otherwise).
    Json journal_settings(Json head, int jobs) const;

    // Runs `body`, which adds finished runs to `writer` as they end. Ctrl-C: the results are
    // written as "interrupted" (kExitInterrupted); an error: as "error", then rethrown.
    // `extra` gives the final fields known so far.
    int run_keeping_results(ResultsWriter& writer, const std::function<Json()>& extra,
                            const std::function<int()>& body) const;

private:
    const CommonOptions& o_;
    const SubspaceOptions& sub_;
    std::string command_;
    std::unique_ptr<MpiJob> mpi_;
    RunPoolFn pool_;
};

}  // namespace idim::cli
