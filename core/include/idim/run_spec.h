// One run: how its trainable vector becomes θ (subspace.h) and how it trains (trainer.h). A run
// has one seed; θ0, P and the batch order are each drawn from it, in their own streams of the
// generator (rng.h), so run k of a search is reproducible on its own from seed + k.
#pragma once
#include <cstdint>

#include "idim/subspace.h"
#include "idim/trainer.h"

namespace idim {

struct RunSpec {
    SubspaceSpec subspace;
    TrainConfig train;
};

// The run at `seed`: the one place where a run's seed reaches θ0 and P (subspace.seed) and the
// batch order (train.seed).
RunSpec run_spec(SubspaceSpec subspace, TrainConfig train, uint64_t seed);

}  // namespace idim
