// The one factory of parametrizations (subspace.h): the request's checks, θ0 and P from its seed.
#include "idim/subspace.h"

#include <algorithm>
#include <vector>

#include "idim/error.h"
#include "kind_names.h"

namespace idim {

std::string to_string(Method method) {
    switch (method) {
        case Method::full: return "full";
        case Method::subspace: return "subspace";
        case Method::said: return "said";
        case Method::lora: return "lora";
    }
    return "unknown";
}

Method parse_method(const std::string& name) {
    return parse_kind(name, std::array{Method::full, Method::subspace, Method::said, Method::lora}, "method");
}

void check_subspace(const SubspaceSpec& spec, size_t dim_full, size_t n_groups) {
    if (spec.learned) {
        check_decoder(spec.learned->decoder);
        require(size_t(spec.learned->decoder.dim_out) <= dim_full, "learned subspace: D' = ",
                spec.learned->decoder.dim_out, " exceeds the network's D = ", dim_full);
        return;
    }
    if (spec.method == Method::full) return;
    if (spec.method == Method::lora) {
        require(spec.lora_rank >= 1, "LoRA: the rank must be at least 1, got ", spec.lora_rank);
        require(spec.lora_alpha > 0, "LoRA: α must be positive, got ", spec.lora_alpha);
        return;
    }
    const std::string at = "d = " + std::to_string(spec.d) + ": ";
    require(spec.d >= 1, at, "d must be at least 1");
    require(spec.d <= dim_full, at, "d cannot exceed the number of parameters D = ", dim_full);
    const bool said = spec.method == Method::said;
    require(!said || spec.d > n_groups, at,
            "SAID trains one scale per parameter tensor (m = ", n_groups, "), so d must exceed m");
    const double columns = double(said ? spec.d - n_groups : spec.d);
    const double mb = double(dim_full) * columns * 4 / (1024.0 * 1024.0);
    require(spec.projection != ProjectionKind::dense || spec.allow_tiling || mb <= spec.max_projection_mb, at,
            "a dense P needs ", int64_t(mb), " MB, over the cap of ", int64_t(spec.max_projection_mb),
            " MB, and tiling is refused");
}

ProjectionSpec projection_spec(const SubspaceSpec& spec, size_t dim_full,
                               const std::vector<ParamGroup>& groups) {
    require(spec.method != Method::full && spec.method != Method::lora, "full training and LoRA have no projection");
    check_subspace(spec, dim_full, groups.size());
    ProjectionSpec p;
    p.kind = spec.projection;
    p.dim_full = dim_full;
    p.dim_sub = spec.method == Method::said ? spec.d - groups.size() : spec.d;
    p.seed = spec.seed;
    p.groups = groups;
    p.max_projection_mb = spec.max_projection_mb;
    p.allow_tiling = spec.allow_tiling;
    return p;
}

std::vector<float> initial_params(const Task& task, const SubspaceSpec& spec) {
    std::vector<float> theta0(task.dim());
    task.init_params(theta0.data(), spec.seed);
    if (const StartingPoint* start = spec.start.get()) {
        require(start->kept <= theta0.size() && start->kept <= start->values.size(),
                "starting point: keeps ", start->kept, " parameters of ", start->values.size(),
                " for a network of D = ", theta0.size());
        std::copy_n(start->values.begin(), start->kept, theta0.begin());
    }
    return theta0;
}

namespace {

// θ0 and P as `idim subspace --d D'` drew them from the learned subspace's seed.
std::unique_ptr<Parametrization> make_learned(Backend& be, const Task& task,
                                              const SubspaceSpec& spec,
                                              const std::vector<ParamGroup>& groups) {
    const LearnedSubspace& learned = *spec.learned;
    SubspaceSpec common;
    common.projection = learned.projection;
    common.d = uint64_t(learned.decoder.dim_out);
    common.seed = learned.seed;
    common.start = spec.start;
    auto projection = make_projection(be, projection_spec(common, task.dim(), groups));
    return learned_parametrization(be, initial_params(task, common), std::move(projection),
                                   learned.decoder, spec.seed);
}

}  // namespace

std::unique_ptr<Parametrization> make_parametrization(Backend& be, const Task& task,
                                                      const SubspaceSpec& spec) {
    std::vector<ParamGroup> groups = task.param_groups();
    check_subspace(spec, task.dim(), groups.size());
    if (spec.learned) return make_learned(be, task, spec, groups);
    const std::vector<float> theta0 = initial_params(task, spec);
    if (spec.method == Method::full) return full_parametrization(be, theta0);
    if (spec.method == Method::lora)
        return lora_parametrization(be, theta0, groups, spec.lora_rank, spec.lora_alpha, spec.seed);
    auto projection = make_projection(be, projection_spec(spec, task.dim(), groups));
    if (spec.method == Method::said)
        return said_parametrization(be, theta0, std::move(projection), std::move(groups));
    return subspace_parametrization(be, theta0, std::move(projection));
}

}  // namespace idim
