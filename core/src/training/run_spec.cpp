#include "idim/run_spec.h"

namespace idim {

RunSpec run_spec(SubspaceSpec subspace, TrainConfig train, uint64_t seed) {
    subspace.seed = seed;
    train.seed = seed;
    return {std::move(subspace), std::move(train)};
}

}  // namespace idim
