// Model files of CLI runs (model_saving.h): the configuration as the JSON reports write it, the
// architecture from the Problem, and the numbers from the trainer.
#include "model_saving.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "idim/buffer.h"
#include "idim/error.h"
#include "report.h"

namespace idim::cli {

std::string checkpoint_path(const std::string& path, int64_t step) {
    std::filesystem::path p(path);
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "-step%06lld", (long long)step);
    const std::string name = p.stem().string() + suffix + p.extension().string();
    return (p.parent_path() / name).string();
}

void save_run(const std::string& command, const CommonOptions& o, const SubspaceOptions* sub,
              const Problem& problem, const RunRecord& run) {
    if (run.result.diverged()) {
        std::cerr << "idim: the run diverged; nothing written to " << o.save_path << '\n';
        return;
    }
    const std::string config = config_json(command, o, sub).dump();
    ModelFile file;
    if (!sub) {
        file = model_file_of(problem.architecture(), run.result.trainable, run.seed,
                             run.result.steps, problem.data_description(), config);
    } else if (sub->learned) {
        // v alone would need the decoder beside it: the file holds θ = θ0 + P·dec(v), a model
        // file that --init can start from.
        Backend& be = backend_by_name(o.backend);
        auto task = problem.make_task();
        SubspaceSpec spec = run_spec(subspace_spec(sub, run.d), {}, run.seed).subspace;
        spec.start = problem.start();
        auto param = make_parametrization(be, *task, spec);
        Buffer<float> v(be, std::span<const float>(run.result.trainable)), theta(be, problem.dim());
        param->expand(be, v.data(), theta.data());
        file = model_file_of(problem.architecture(), theta.download(), run.seed, run.result.steps,
                             problem.data_description(), config);
    } else {
        std::vector<float> theta_d = run.result.trainable;
        file = model_file_of(problem.architecture(), std::vector<float>(problem.dim()), run.seed,
                             run.result.steps, problem.data_description(), config);
        file.kind = "subspace";
        SubspaceRecord r;
        const bool said = sub->projection == "said";
        r.method = said ? "said" : "subspace";
        r.projection = said ? sub->said_base : sub->projection;
        r.d = run.d;
        if (!o.init_path.empty()) r.start_crc32 = o.init_crc32;
        r.head_kept = o.keep_head;
        file.subspace = r;
        file.values = std::move(theta_d);
    }
    save_model_file(o.save_path, file);
    std::cout << "saved " << o.save_path << " (" << file.values.size() << " values, crc32 "
              << crc32_hex(file.values) << ")\n";
}

std::function<void(const Trainer&)> checkpoint_saver(const CommonOptions& o, const Problem& problem,
                                                     uint64_t seed) {
    if (o.save_every <= 0) return nullptr;
    const std::string config = config_json("train", o, nullptr).dump();
    return [&o, &problem, seed, config](const Trainer& trainer) {
        if (trainer.steps() % o.save_every != 0) return;
        save_model_file(checkpoint_path(o.save_path, trainer.steps()),
                        model_file_of(problem.architecture(), trainer.trainable(), seed,
                                      trainer.steps(), problem.data_description(), config));
    };
}

}  // namespace idim::cli
