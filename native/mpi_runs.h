// sweep and dint over an MPI job (mpirun, srun): rank 0 runs the command itself — the search, the
// journal, progress and results — and hands (d, seed) runs one at a time to the other ranks,
// which train them with the thread count the single-process command would give them, so every
// run has the same bits wherever it trains. Built with IDIM_MPI; without it, or when the process
// was not started by an MPI launcher, join() answers null and the command runs as usual.
#pragma once
#include <memory>

#include "run_pool.h"

namespace idim::cli {

class MpiJob {
public:
    // The job this process belongs to (MPI initialised), or null when it was not started by an
    // MPI launcher or the binary has no MPI.
    static std::unique_ptr<MpiJob> join();
    virtual ~MpiJob() = default;   // rank 0 stops the other ranks; every rank finalises MPI
    virtual int rank() const = 0;
    virtual int size() const = 0;
    // Rank 0 of a job of more than one rank: trains runs on the others (ctx.resume is not sent:
    // a stopped run trained on starts again from its first epoch there, with the same result).
    virtual RunPoolFn pool() = 0;
    // The other ranks: train what rank 0 sends until it says stop. `full_training` is the
    // context of baseline runs, `subspace` of the rest (each run brings its own target).
    virtual void serve(const RunContext& full_training, const RunContext& subspace) = 0;
};

#ifndef IDIM_MPI
inline std::unique_ptr<MpiJob> MpiJob::join() { return nullptr; }
#endif

}  // namespace idim::cli
