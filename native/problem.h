// The problem the flags name: the data, read once, and the network over it. Each run gets its own
// Task from it, since models keep scratch buffers and runs may go concurrently.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "options.h"

namespace idim::cli {

class Problem {
public:
    explicit Problem(const CommonOptions& o);
    size_t dim() const { return dim_; }
    const std::vector<ParamGroup>& param_groups() const { return groups_; }
    const std::string& layers() const { return layers_; }     // one line per layer
    const std::string& data_description() const { return data_description_; }
    bool toy() const { return toy_; }
    std::unique_ptr<Task> make_task() const;
    Architecture architecture() const { return {options_.model, shape_, classes_}; }
    // θ0 of every run when --init names a model file; null: random θ0 from each run's seed.
    std::shared_ptr<const StartingPoint> start() const { return start_; }

private:
    CommonOptions options_;
    bool toy_ = false;
    std::shared_ptr<const SharedData> data_;   // one copy for every run's task, on the host and a GPU
    Shape shape_;
    int classes_ = 0;
    size_t dim_ = 0;
    std::vector<ParamGroup> groups_;
    std::string layers_, data_description_;
    std::shared_ptr<const StartingPoint> start_;
};

// The core's description of the subspace at d these flags ask for (subspace.h; run_spec.h gives
// it a run's seed); with no flags (sub null), full training.
SubspaceSpec subspace_spec(const SubspaceOptions* sub, uint64_t d);
// Refuses d < 1, d > D, SAID with d ≤ m, a dense P over the cap with tiling off (idim::Error).
void check_subspace_request(const SubspaceOptions& o, const Problem& problem, uint64_t d);

}  // namespace idim::cli
