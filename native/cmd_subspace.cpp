// idim subspace: one random-subspace run θ = θ0 + P·θ_d at a given d (or LoRA at a given rank,
// whose d is its trained count); the same JSON as train plus d and the projection.
#include <memory>

#include "commands.h"
#include "idim/error.h"
#include "report.h"

namespace idim::cli {

int run_single(const std::string& command, const CommonOptions& o, const SubspaceOptions* sub,
               const Problem& problem, uint64_t d);

Command add_subspace_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand("subspace", "Train in one random d-dimensional subspace");
    auto o = std::make_shared<CommonOptions>();
    auto sub = std::make_shared<SubspaceOptions>();
    auto d = std::make_shared<int64_t>(0);
    add_subspace_options(*app, *o, *sub, TrainEval::every_epoch);   // one run: its curves
    app->add_option("--d", *d, "Subspace dimension d (required, except with --projection lora "
                    "or --learned)");
    add_learned_option(*app, *sub);
    app->add_flag("--op-stats", o->op_stats,
                  "Count the backend's calls per training step (kernels, and uploads and "
                  "downloads: host waits on a device) into the JSON's op_stats");
    add_output_options(*app, *o, true);
    add_save_options(*app, *o, false);
    return {app, [app, o, sub, d] {
        finalise_options(*app, *o);
        finalise_projection(*app, *o, *sub);
        const bool has_d = app->get_option("--d")->count() > 0;
        if (!sub->learned_path.empty()) {
            require(!has_d, "--learned: the file's d_I is the subspace's size, so --d does not "
                    "apply");
            for (const char* flag : {"--projection", "--said-base", "--rank", "--lora-alpha"})
                require(app->count(flag) == 0, "--learned: the file names its projection, so ",
                        flag, " does not apply");
            Problem problem(*o);
            finalise_learned(*o, *sub, problem);
            return run_single("subspace", *o, sub.get(), problem,
                              uint64_t(sub->learned->decoder.dim_in));
        }
        if (is_lora(*sub)) {
            require(!has_d, "--d does not apply to --projection lora: --rank sets its size");
        } else {
            require(has_d, "--d is required");
            require(*d >= 1, "d must be at least 1, got " + std::to_string(*d));
        }
        Problem problem(*o);
        if (is_lora(*sub))
            *d = int64_t(lora_trainable_count(problem.param_groups(), problem.dim(), sub->lora_rank));
        check_subspace_request(*sub, problem, uint64_t(*d));
        return run_single("subspace", *o, sub.get(), problem, uint64_t(*d));
    }};
}

}  // namespace idim::cli
