// Random projections P (D × d) from the subspace to the full parameter space, built from a seed
// by the counter-based generator so the same (seed, D, d) gives bit-identical P everywhere.
// Follows the original implementation (uber-research/intrinsic-dimension): see shared METHOD.md.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "idim/backend.h"
#include "idim/model.h"

namespace idim {

class Projection {
public:
    virtual ~Projection() = default;
    virtual std::string name() const = 0;          // "dense", "dense-tiled", "sparse", "fastfood"
    virtual size_t dim_full() const = 0;           // D
    virtual size_t dim_sub() const = 0;            // d
    virtual size_t memory_bytes() const = 0;       // what the projection keeps between calls
    // y (D) = P·x (d) + beta·y
    virtual void expand(Backend& be, const float* x, float beta, float* y) = 0;
    // y (D) = base + P·x (θ = θ0 + P·θ_d): base copied into y, then expand adding to it; Fastfood
    // adds in its last pass instead, one pass over D fewer.
    virtual void expand_onto(Backend& be, const float* x, const float* base, float* y) {
        be.copy(dim_full(), base, y);
        expand(be, x, 1.0f, y);
    }
    // x (d) = Pᵀ·y (D), overwriting x
    virtual void contract(Backend& be, const float* y, float* x) = 0;
};

enum class ProjectionKind { dense, sparse, fastfood };
std::string to_string(ProjectionKind kind);
ProjectionKind parse_projection(const std::string& name);   // throws naming the known ones

// A dense P is stored up to this size (MiB) and regenerated in tiles above it.
inline constexpr double default_max_projection_mb = 1024;

struct ProjectionSpec {
    ProjectionKind kind = ProjectionKind::fastfood;
    size_t dim_full = 0, dim_sub = 0;
    uint64_t seed = 0;
    std::vector<ParamGroup> groups;   // the network's parameter tensors (sparse: per-group density)
    double max_projection_mb = default_max_projection_mb;  // dense: store P up to this size, else regenerate in tiles
    bool allow_tiling = true;         // false: refuse a dense P over the cap
};

// Checks the spec (d ≥ 1, d ≤ D, known kind, memory cap) and builds P; throws idim::Error.
std::unique_ptr<Projection> make_projection(Backend& be, const ProjectionSpec& spec);

// The dense column normalisation: the L2 norm of each column over the whole network, computed
// in double from the generator (shared by the stored and tiled dense paths so they agree).
// Dense entries: P(i, j) = float(g / norm_j), g = float(CounterRng(seed, dense_projection)
// .normal(i·2^32 + j)), a pure function of (seed, i, j); norm_j = √Σ_i g² in double.
std::vector<double> dense_column_norms(uint64_t seed, size_t dim_full, size_t dim_sub);

}  // namespace idim
