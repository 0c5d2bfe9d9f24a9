// idim msf: a learned subspace from a family of tasks (Qin et al. 2021). Each task's adaptation is
// its θ_d in one common random subspace, as `idim subspace --d D' --classes A,B --save
// DIR/A-B.idim` writes it; MSF trains an auto-encoder over them through the tasks' networks (or,
// with --decoder linear, takes their top principal directions) and the decoder is saved as a
// learned subspace file for `idim subspace --learned`.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "idim/error.h"
#include "idim/msf.h"
#include "report.h"

namespace idim::cli {
namespace {

struct MsfOptions {
    std::vector<std::string> tasks;   // --task, each a class list
    std::string adaptations;          // the folder of A-B.idim files
    int dim_intrinsic = 0;
    std::string decoder = to_string(DecoderKind::mlp);
    MsfConfig config;
};

// One task of the family: its data, and its adaptation read from the folder.
struct FamilyTask {
    std::vector<int> classes;
    std::string path;
    ModelFile file;
    std::unique_ptr<Problem> problem;
    std::unique_ptr<Task> task;
};

std::string file_name(const std::vector<int>& classes) {
    std::string name;
    for (int c : classes) name += (name.empty() ? "" : "-") + std::to_string(c);
    return name + ".idim";
}

// The adaptation must be a plain subspace run on exactly this task, from this run's θ0, in the
// same P as the first task's.
void check_adaptation(const FamilyTask& t, const CommonOptions& o, const ModelFile* first) {
    const ModelFile& f = t.file;
    require(f.kind == "subspace" && f.subspace && f.subspace->method == "subspace", t.path,
            ": not a random-subspace run (idim subspace --d D' --save writes one)");
    check_architecture(f, t.problem->architecture(), true, t.path);
    const auto saved = nlohmann::json::parse(f.config_json).value("data", nlohmann::json::object());
    require(saved.value("classes", nlohmann::json()) == nlohmann::json(t.classes), t.path,
            ": it was trained on classes ", saved.value("classes", nlohmann::json()).dump(),
            ", not on this task's");
    const std::optional<std::string> start =
        o.init_path.empty() ? std::nullopt : std::optional<std::string>(o.init_crc32);
    require(f.subspace->start_crc32 == start && (!start || f.subspace->head_kept == o.keep_head),
            t.path, ": it started from another θ0 than this run's --init and --keep-head");
    if (!first) return;
    require(f.seed == first->seed && f.subspace->d == first->subspace->d &&
                f.subspace->projection == first->subspace->projection,
            t.path, ": its subspace (seed ", f.seed, ", ", f.subspace->projection, " d = ",
            f.subspace->d, ") is not the first task's (seed ", first->seed, ", ",
            first->subspace->projection, " d = ", first->subspace->d, ")");
}

std::vector<FamilyTask> load_family(const CommonOptions& o, const MsfOptions& m) {
    require(m.tasks.size() >= 2, "--task: a family needs at least two tasks, got ", m.tasks.size());
    std::vector<FamilyTask> family;
    for (const std::string& text : m.tasks) {
        FamilyTask t;
        t.classes = parse_class_list(text);
        t.path = (std::filesystem::path(m.adaptations) / file_name(t.classes)).string();
        require(std::filesystem::exists(t.path), t.path, ": no adaptation of task ", text,
                " (write it with idim subspace --d D' --classes ", text, " --save ", t.path, ")");
        t.file = load_model_file(t.path);
        CommonOptions task_options = o;
        task_options.data.classes = t.classes;
        t.problem = std::make_unique<Problem>(task_options);
        check_adaptation(t, o, family.empty() ? nullptr : &family.front().file);
        t.task = t.problem->make_task();
        family.push_back(std::move(t));
    }
    return family;
}

Json epochs_json(const std::vector<MsfEpoch>& epochs) {
    Json out = Json::array();
    for (size_t e = 0; e < epochs.size(); ++e)
        out.push_back({{"epoch", e + 1}, {"task_loss", epochs[e].task_loss},
                       {"reconstruction", epochs[e].reconstruction}});
    return out;
}

int run_msf(const CommonOptions& o, MsfOptions& m) {
    const DecoderKind kind = parse_decoder(m.decoder);
    m.config.dim_intrinsic = m.dim_intrinsic;
    m.config.epochs = o.train.epochs;
    m.config.batch = o.train.batch;
    m.config.lr = o.train.optimizer.lr;
    m.config.seed = o.seed;
    std::vector<FamilyTask> family = load_family(o, m);
    const ModelFile& first = family.front().file;
    Backend& be = backend_by_name(o.backend);
    be.set_threads(o.threads);

    SubspaceSpec spec;
    spec.projection = parse_projection(first.subspace->projection);
    spec.d = first.subspace->d;
    spec.seed = first.seed;
    spec.start = family.front().problem->start();
    LearnedSubspace learned{{}, spec.projection, spec.seed};
    std::vector<MsfEpoch> epochs;
    if (kind == DecoderKind::linear) {
        std::vector<std::vector<float>> xs;
        for (const FamilyTask& t : family) xs.push_back(t.file.values);
        learned.decoder = pca_decoder(xs, m.dim_intrinsic);
    } else {
        std::vector<MsfTask> tasks;
        for (FamilyTask& t : family) tasks.push_back({t.task.get(), t.file.values});
        const Task& task0 = *family.front().task;
        auto projection = make_projection(be, projection_spec(spec, task0.dim(), task0.param_groups()));
        MsfResult r = train_msf(be, tasks, *projection, initial_params(task0, spec), m.config);
        learned.decoder = std::move(r.decoder);
        epochs = std::move(r.epochs);
        for (size_t e = 0; e < epochs.size() && !o.quiet; ++e)
            std::printf("MSF epoch %zu/%zu  task loss %.4f  reconstruction %.5f\n", e + 1,
                        epochs.size(), epochs[e].task_loss, epochs[e].reconstruction);
    }

    Json config = config_json("msf", o, nullptr);
    config["msf"] = {{"tasks", m.tasks}, {"adaptations", m.adaptations}, {"d_I", m.dim_intrinsic},
                     {"decoder", m.decoder}, {"hidden", kind == DecoderKind::mlp ? m.config.hidden : 0},
                     {"alpha", m.config.alpha}};
    const Problem& p0 = *family.front().problem;
    const std::string data = "msf over " + std::to_string(family.size()) + " tasks of " + o.data.name;
    const ModelFile out = learned_file_of(p0.architecture(), learned, first.subspace->start_crc32,
                                          first.subspace->head_kept, data, config.dump());
    save_model_file(o.save_path, out);
    std::cout << "saved " << o.save_path << " (" << m.decoder << " decoder, d_I = "
              << m.dim_intrinsic << ", D' = " << learned.decoder.dim_out << ", crc32 "
              << crc32_hex(out.values) << ")\n";
    if (!o.json_path.empty()) {
        Json doc = results_head(config, nullptr);   // a family of problems: no one data set or D
        doc.update({{"D'", learned.decoder.dim_out}, {"epochs", epochs_json(epochs)}});
        write_json(o.json_path, doc);
    }
    return 0;
}

}  // namespace

Command add_msf_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "msf", "Find a learned subspace from a family of tasks' adaptations (Qin et al. 2021)");
    auto o = std::make_shared<CommonOptions>();
    auto m = std::make_shared<MsfOptions>();
    o->train.epochs = m->config.epochs;   // --epochs, --batch, --lr set MSF's Adam
    o->train.batch = m->config.batch;
    o->train.optimizer.kind = OptimizerKind::adam;
    o->train.optimizer.lr = m->config.lr;
    add_common_options(*app, *o, true);
    app->add_option("--task", m->tasks, "A task of the family by its classes, e.g. 3,8 "
                    "(repeat, two at least)")->required();
    app->add_option("--adaptations", m->adaptations, "Folder of the tasks' adaptations: A-B.idim "
                    "for --task A,B, as idim subspace --d D' --classes A,B --save writes it")
        ->required();
    app->add_option("--d-intrinsic", m->dim_intrinsic, "d_I, the learned subspace's dimension")
        ->required();
    app->add_option("--decoder", m->decoder, "mlp (MSF's auto-encoder) | linear (PCA of the "
                    "adaptations)")->capture_default_str();
    app->add_option("--hidden", m->config.hidden, "MSF: the decoder's hidden width h")
        ->capture_default_str();
    app->add_option("--alpha", m->config.alpha, "MSF: weight α of the reconstruction error")
        ->capture_default_str();
    app->add_option("--save", o->save_path, "Write the learned subspace file here")->required();
    app->add_option("--json", o->json_path, "Write MSF's losses per epoch as JSON");
    return {app, [app, o, m] {
        finalise_options(*app, *o);
        for (const char* flag : {"--optimizer", "--momentum", "--schedule", "--weight-decay"})
            require(app->count(flag) == 0, flag, " does not apply: MSF trains with Adam and a "
                    "cosine decay (--epochs, --batch, --lr)");
        return run_msf(*o, *m);
    }};
}

}  // namespace idim::cli
