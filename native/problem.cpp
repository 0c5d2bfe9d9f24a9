// Reading the data once and describing the runs over it (problem.h).
#include "problem.h"

#include <algorithm>

#include "idim/error.h"
#include "idim/projection.h"

namespace idim::cli {

Problem::Problem(const CommonOptions& o) : options_(o), toy_(is_toy(o.data)) {
    if (toy_) {
        auto task = toy_task();
        dim_ = task->dim();
        groups_ = task->param_groups();
        layers_ = "toy: 10 groups of 100 parameters; each group's sum must reach its target 1..10\n";
        data_description_ = "toy (Li et al. 2018, introduction): intrinsic dimension exactly 10";
        return;
    }
    DataSplit data = load_data(o.data);
    const Dataset& train = data.train;
    shape_ = {train.height, train.width, train.channels};
    classes_ = std::max(train.classes, data.test.classes);
    auto model = make_model(o.model, shape_, classes_);
    dim_ = model->dim();
    groups_ = model->param_groups();
    layers_ = model->describe();
    data_description_ = data.description;
    data_ = share_data(std::move(data));
    if (o.init_file) start_ = starting_point(*o.init_file, architecture(), o.keep_head, o.init_path);
}

std::unique_ptr<Task> Problem::make_task() const {
    if (toy_) return toy_task();
    return classification_task(make_model(options_.model, shape_, classes_), data_);
}

SubspaceSpec subspace_spec(const SubspaceOptions* sub, uint64_t d) {
    SubspaceSpec spec;
    if (!sub) {
        spec.method = Method::full;
        return spec;
    }
    if (is_lora(*sub)) {
        spec.method = Method::lora;
        spec.lora_rank = sub->lora_rank;
        spec.lora_alpha = sub->lora_alpha;
        return spec;
    }
    spec.learned = sub->learned;
    const bool said = sub->projection == "said";
    spec.method = said ? Method::said : Method::subspace;
    spec.projection = parse_projection(said ? sub->said_base : sub->projection);
    spec.d = d;
    spec.max_projection_mb = sub->max_projection_mb;
    spec.allow_tiling = !sub->no_tiling;
    return spec;
}

void check_subspace_request(const SubspaceOptions& o, const Problem& problem, uint64_t d) {
    check_subspace(subspace_spec(&o, d), problem.dim(), problem.param_groups().size());
}

}  // namespace idim::cli
