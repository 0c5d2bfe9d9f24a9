// make_projection: checks a ProjectionSpec and builds the projection it names. Every mistake a
// user can make here (a d out of range, an unknown kind, a dense P over the memory cap, groups
// that do not tile θ) is an idim::Error that says what and by how much.
#include <string>

#include "idim/error.h"
#include "kind_names.h"
#include "subspaces/projection_kinds.h"

namespace idim {
namespace {

// Sparse densities are per group, so the groups must cover [0, D) in order without gaps.
void check_groups(const ProjectionSpec& spec) {
    size_t next = 0;
    for (const ParamGroup& group : spec.groups) {
        require(group.size >= 1, "projection: parameter group '" + group.name + "' is empty");
        require(group.offset == next, "projection: parameter group '" + group.name +
                                          "' starts at " + std::to_string(group.offset) +
                                          ", expected " + std::to_string(next) +
                                          " (groups must tile the parameters in order)");
        next += group.size;
    }
    require(spec.groups.empty() || next == spec.dim_full,
            "projection: parameter groups cover " + std::to_string(next) +
                " parameters, but D = " + std::to_string(spec.dim_full));
}

}  // namespace

std::string to_string(ProjectionKind kind) {
    switch (kind) {
        case ProjectionKind::dense: return "dense";
        case ProjectionKind::sparse: return "sparse";
        case ProjectionKind::fastfood: return "fastfood";
    }
    return "unknown";
}

ProjectionKind parse_projection(const std::string& name) {
    return parse_kind(
        name, std::array{ProjectionKind::dense, ProjectionKind::sparse, ProjectionKind::fastfood},
        "projection");
}

std::unique_ptr<Projection> make_projection(Backend& be, const ProjectionSpec& spec) {
    const std::string sizes = " (D = " + std::to_string(spec.dim_full) +
                              ", d = " + std::to_string(spec.dim_sub) + ")";
    require(spec.dim_full >= 1, "projection: the network has no parameters" + sizes);
    require(spec.dim_sub >= 1, "projection: subspace dimension d must be at least 1" + sizes);
    require(spec.dim_sub <= spec.dim_full,
            "projection: subspace dimension d must not exceed the parameter count D" + sizes);
    require(spec.dim_full <= (size_t(1) << 31) - 1,
            "projection: D above 2^31 − 1 is not supported" + sizes);
    check_groups(spec);
    if (spec.kind == ProjectionKind::sparse) return make_sparse(be, spec);
    if (spec.kind == ProjectionKind::fastfood) return make_fastfood(be, spec);
    double megabytes = double(spec.dim_full) * double(spec.dim_sub) * 4 / (1024.0 * 1024.0);
    if (megabytes <= spec.max_projection_mb) return make_dense_stored(be, spec);
    require(spec.allow_tiling,
            "projection: a dense P of " + std::to_string(long(megabytes)) +
                " MiB exceeds the cap of " + std::to_string(long(spec.max_projection_mb)) +
                " MiB" + sizes + "; raise the cap, allow tiling, or use sparse or fastfood");
    return make_dense_tiled(be, spec);
}

}  // namespace idim
