// --save and --save-every: the model files of a finished run (train: θ; subspace: θ_d with what
// rebuilds θ) and of checkpoints along the way.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "training_run.h"

namespace idim::cli {

// "out/m.idim", 500 → "out/m-step000500.idim"
std::string checkpoint_path(const std::string& path, int64_t step);

// Writes the run's file to o.save_path (the record must keep its trainable vector) and says so
// on stdout; `sub` null: full training.
void save_run(const std::string& command, const CommonOptions& o, const SubspaceOptions* sub,
              const Problem& problem, const RunRecord& run);

// A trainer hook writing θ to checkpoint_path(o.save_path, step) every o.save_every steps, step 0
// (θ0) included; full training only.
std::function<void(const Trainer&)> checkpoint_saver(const CommonOptions& o, const Problem& problem,
                                                     uint64_t seed);

}  // namespace idim::cli
