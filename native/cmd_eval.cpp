// idim eval: the accuracy of a saved model file (train --save) or of a saved subspace run
// (subspace --save), rebuilt as θ = θ0 + P·θ_d from its seed and its starting point. A subspace
// file trained from --init names that start by its checksum; eval takes the same file with
// --init and refuses any other, since θ0 is not in the file.
#include <iostream>
#include <memory>

#include "commands.h"
#include "idim/buffer.h"
#include "idim/error.h"
#include "idim/pretrained.h"
#include "report.h"

namespace idim::cli {
namespace {

// The subspace file's starting point against the one given: the same file (by checksum) or,
// for a random θ0, none.
void check_start(const ModelFile& file, const CommonOptions& o, const std::string& path) {
    const auto& wanted = file.subspace->start_crc32;
    if (!wanted) {
        require(o.init_path.empty(), path, ": trained from a random θ0, so --init does not apply");
        return;
    }
    require(!o.init_path.empty(), path, ": trained from the model file with crc32 ", *wanted,
            "; give it with --init");
    require(o.init_crc32 == *wanted, path, ": trained from the model file with crc32 ", *wanted,
            " but --init ", o.init_path, " has crc32 ", o.init_crc32);
}

int run_eval(const CLI::App& app, CommonOptions& o, const std::string& path) {
    const ModelFile file = load_model_file(path);
    require(file.kind != "learned", path, ": a learned subspace holds a decoder, not a network "
            "to score; tune a task in it with idim subspace --learned");
    const bool subspace = file.kind == "subspace";
    if (subspace) {
        o.keep_head = file.subspace->head_kept;
    } else {
        require(o.init_path.empty(), path, ": a model file holds all of θ, so --init does not apply");
    }
    finalise_options(app, o);
    if (subspace) check_start(file, o, path);
    Problem problem(o);
    auto task = problem.make_task();
    Backend& be = backend_by_name(o.backend);
    be.set_threads(o.threads);
    // A model file is a whole network: its classes must be this run's (the head is in the file).
    if (!subspace) check_architecture(file, problem.architecture(), true, path);
    const std::vector<float> theta =
        subspace ? rebuild_theta(be, *task, file, problem.start()) : file.values;
    Buffer<float> on_backend(be, std::span<const float>(theta));
    const Metrics test = task->evaluate_test(be, on_backend.data());
    const Metrics train = task->evaluate_train(be, on_backend.data());

    std::printf("%s: test accuracy %.4f  train %.4f  test loss %.4f  D = %zu%s\n", path.c_str(),
                test.accuracy, train.accuracy, test.loss, problem.dim(),
                subspace ? (" (rebuilt from d = " + std::to_string(file.subspace->d) + ", " +
                            file.subspace->projection + ", seed " + std::to_string(file.seed) + ")")
                               .c_str()
                         : "");
    if (!o.json_path.empty()) {
        Json doc = results_head(config_json("eval", o, nullptr), &problem);
        doc.update({{"model_file", {{"path", path}, {"kind", file.kind}, {"crc32", crc32_hex(file.values)}}},
                    {"test_accuracy", test.accuracy}, {"train_accuracy", train.accuracy},
                    {"test_loss", test.loss}, {"train_loss", train.loss}});
        if (subspace) doc.update({{"d", file.subspace->d}, {"seed", file.seed}});
        write_json(o.json_path, doc);
    }
    return 0;
}

}  // namespace

Command add_eval_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "eval", "Accuracy of a saved model, or of a saved subspace run rebuilt from its seed");
    auto o = std::make_shared<CommonOptions>();
    auto path = std::make_shared<std::string>();
    app->add_option("file", *path, "A model file (train --save) or subspace file (subspace --save)")
        ->required();
    add_common_options(*app, *o, false);
    app->add_option("--init", o->init_path,
                    "The starting point the subspace run was trained from (its model file)");
    app->add_option("--json", o->json_path, "Write the results as one JSON document");
    return {app, [app, o, path] { return run_eval(*app, *o, *path); }};
}

}  // namespace idim::cli
