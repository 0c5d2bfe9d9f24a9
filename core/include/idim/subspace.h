// One description of how a run's trainable vector becomes θ (full training, a random subspace, or
// SAID over a base projection) and the one factory that builds it for a task. Every front end (the
// CLI, the WebAssembly page, the benchmarks) goes through make_parametrization, so a request is
// checked in one place and θ0 and P come from the seed by one convention.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "idim/backend.h"
#include "idim/learned_subspace.h"
#include "idim/parametrization.h"
#include "idim/projection.h"
#include "idim/task.h"

namespace idim {

enum class Method { full, subspace, said, lora };
std::string to_string(Method method);
Method parse_method(const std::string& name);   // throws idim::Error naming the known ones

// A starting point other than the random θ0 (--init, pretrained.h): θ0's first `kept` numbers are
// `values`; the rest (a new output layer) are task.init_params(seed)'s, as a random θ0 has them.
struct StartingPoint {
    std::vector<float> values;
    size_t kept = 0;
};

struct SubspaceSpec {
    Method method = Method::subspace;
    ProjectionKind projection = ProjectionKind::fastfood;   // under SAID, its base
    uint64_t d = 0;                        // trainable numbers (SAID: the m scales included)
    // θ0 is task.init_params(seed) and P is drawn from the same seed (run_spec.h sets it with
    // the batch order's, from the run's one seed).
    uint64_t seed = 0;
    double max_projection_mb = default_max_projection_mb;   // dense: store P up to this size
    bool allow_tiling = true;              // false: refuse a dense P over the cap
    std::shared_ptr<const StartingPoint> start;   // null: θ0 = task.init_params(seed)
    // LoRA (parametrization.h): the rank of every weight update and α (scale α/rank); d unused.
    int lora_rank = 0;
    double lora_alpha = default_lora_alpha;
    // IST in a learned subspace (learned_subspace.h), whichever the method: θ0 and P come from
    // its own seed, as its adaptations had them; `seed` draws v's start; d is its d_I.
    std::shared_ptr<const LearnedSubspace> learned;
};

// The checks of a request before any work: d ≥ 1, d ≤ D, SAID's d > m (one scale per parameter
// tensor), a known projection, and the dense memory cap when tiling is refused. Messages start
// with "d = <d>: " where d is at fault. Full training needs no d and passes.
void check_subspace(const SubspaceSpec& spec, size_t dim_full, size_t n_groups);

// The P a subspace or SAID request draws (SAID's P has d − m columns), checked as above.
ProjectionSpec projection_spec(const SubspaceSpec& spec, size_t dim_full,
                               const std::vector<ParamGroup>& groups);

// θ0 of a request: task.init_params(seed), overlaid by the starting point when there is one.
std::vector<float> initial_params(const Task& task, const SubspaceSpec& spec);

// Checks the request and builds θ = θ0 + P·θ_d (or SAID, LoRA, or θ itself for full training).
std::unique_ptr<Parametrization> make_parametrization(Backend& be, const Task& task,
                                                      const SubspaceSpec& spec);

}  // namespace idim
