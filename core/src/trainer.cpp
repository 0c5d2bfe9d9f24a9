// The training loop for full and subspace training alike: per step θ = expand(w), ∇θ from the
// task, (+ L2 on θ), g = contract(∇θ), optimiser step on w; per epoch an evaluation, divergence
// check and the early stops the d_int90 search uses.
#include "idim/trainer.h"

#include <chrono>
#include <cmath>
#include <numeric>

#include "idim/error.h"
#include "idim/rng.h"

namespace idim {
namespace {

using Clock = std::chrono::steady_clock;

void validate(const TrainConfig& c) {
    require(c.epochs >= 1, "epochs must be at least 1, got " + std::to_string(c.epochs));
    require(c.batch >= 1, "the batch size must be at least 1, got " + std::to_string(c.batch));
    require(std::isfinite(c.weight_decay) && c.weight_decay >= 0,
            "weight decay must be a non-negative number, got " + std::to_string(c.weight_decay));
    validate(c.optimizer);
}

// A different shuffle each epoch, all from the one seed.
std::vector<uint32_t> epoch_order(uint64_t seed, int epoch, size_t n) {
    std::vector<uint32_t> order(n);
    CounterRng rng(seed * 0x9E3779B97F4A7C15ull + uint64_t(epoch), Stream::batch_order);
    random_permutation(rng, uint32_t(n), order.data());
    return order;
}

// Once the target is passed, or once even the recent rate of improvement, kept up for every
// remaining epoch, would not reach it (checked from hooks.give_up_from_epoch on, at least the
// third, so a slow start is not cut off). A pass/fail measure (the toy task) has no rate, so
// only the first rule applies.
StopReason early_stop(const std::vector<EpochRecord>& epochs, const TrainHooks& hooks, int total,
                      bool graded) {
    if (std::isnan(hooks.target_accuracy)) return StopReason::completed;
    auto accuracy = [on_train = hooks.target_on_train](const EpochRecord& r) {
        return on_train ? r.train_accuracy : r.test_accuracy;
    };
    size_t e = epochs.size();
    double last = accuracy(epochs.back());
    if (last >= hooks.target_accuracy) return StopReason::reached_target;
    int from = hooks.give_up_from_epoch;
    if (!graded || from == 0 || int(e) < std::max(from, 3) || int(e) >= total)
        return StopReason::completed;
    double gain_last = last - accuracy(epochs[e - 2]);
    double gain_mean = (last - accuracy(epochs[e - 3])) / 2;
    double rate = std::max({gain_last, gain_mean, 0.0});
    if (last + rate * (total - int(e)) < hooks.target_accuracy) return StopReason::cannot_reach_target;
    return StopReason::completed;
}

}  // namespace

std::string to_string(TrainEval when) {
    switch (when) {
        case TrainEval::every_epoch: return "every_epoch";
        case TrainEval::last_epoch: return "last_epoch";
        case TrainEval::never: return "never";
    }
    return "unknown";
}

std::string to_string(StopReason reason) {
    switch (reason) {
        case StopReason::completed: return "completed";
        case StopReason::reached_target: return "reached_target";
        case StopReason::cannot_reach_target: return "cannot_reach_target";
        case StopReason::diverged: return "diverged";
        case StopReason::cancelled: return "cancelled";
    }
    return "unknown";
}

TrainConfig subspace_train_config() {
    TrainConfig c;
    c.epochs = 15;
    c.batch = 128;
    c.optimizer.kind = "adam";
    c.optimizer.lr = 0.05;
    c.optimizer.schedule = "cosine";
    return c;
}

TrainConfig toy_train_config() {
    TrainConfig c;
    c.epochs = 50000;
    c.optimizer.kind = "sgd";
    c.optimizer.lr = 0.005;
    c.optimizer.momentum = 0.99;
    c.optimizer.schedule = "constant";
    c.evaluate_train = TrainEval::never;
    return c;
}

TrainResult train(Backend& be, Task& task, Parametrization& param, const TrainConfig& config,
                  const TrainHooks& hooks, const TrainCheckpoint* resume) {
    validate(config);
    require(!hooks.target_on_train || config.evaluate_train == TrainEval::every_epoch,
            "a target on training accuracy needs the training accuracy evaluated each epoch");
    require(hooks.give_up_from_epoch >= 0, "the give-up epoch must not be negative");
    const size_t dim = task.dim(), n_train = task.train_size();
    AlignedFloats w(param.trainable_count()), grad(w.size());
    require(!resume || (resume->trainable.size() == w.size() &&
                        int(resume->epochs.size()) < config.epochs),
            "the checkpoint does not belong to this run");
    if (resume) std::copy(resume->trainable.begin(), resume->trainable.end(), w.begin());
    else param.init_trainable(w.data());
    // Full training trains θ itself: θ and dθ are then w and its gradient, not copies of them.
    const bool direct = param.trainable_is_theta();
    AlignedFloats theta_copy(direct ? 0 : dim), dtheta_copy(direct ? 0 : dim);
    float* theta = direct ? w.data() : theta_copy.data();
    float* dtheta = direct ? grad.data() : dtheta_copy.data();
    auto expand = [&] { if (!direct) param.expand(be, w.data(), theta); };
    Optimizer optimizer(config.optimizer, w.size());
    const int64_t steps_per_epoch = int64_t((n_train + config.batch - 1) / config.batch);
    const auto start = Clock::now();
    double seconds_before = 0;   // of a resumed run, before it stopped
    TrainResult result;
    if (resume) {
        optimizer.restore(resume->optimizer);
        result.epochs = resume->epochs;
        result.steps = resume->steps;
        seconds_before = resume->seconds;
    }
    const auto seconds_so_far = [&] {
        return seconds_before + std::chrono::duration<double>(Clock::now() - start).count();
    };

    for (int epoch = int(result.epochs.size()) + 1; epoch <= config.epochs; ++epoch) {
        std::vector<uint32_t> order = epoch_order(config.seed, epoch, n_train);
        double loss_sum = 0;
        for (int64_t s = 0; s < steps_per_epoch; ++s) {
            size_t begin = size_t(s) * config.batch;
            std::span<const uint32_t> batch(order.data() + begin,
                                            std::min<size_t>(config.batch, n_train - begin));
            expand();
            double loss = task.loss_and_grad(be, theta, batch, dtheta).loss;
            ++result.steps;
            if (!std::isfinite(loss)) {
                result.stop = StopReason::diverged;
                break;
            }
            loss_sum += loss;
            if (config.weight_decay > 0)   // Keras l2(λ) adds λ·Σθ² to the loss: ∇ += 2λθ
                be.axpby(dim, float(2 * config.weight_decay), theta, 1.0f, dtheta);
            if (!direct) param.contract(be, w.data(), dtheta, grad.data());
            double lr = scheduled_lr(config.optimizer, epoch - 1 + double(s) / steps_per_epoch,
                                     config.epochs);
            optimizer.step(be, lr, grad.data(), w.data());
            if (hooks.on_step) hooks.on_step({epoch, s + 1, steps_per_epoch, loss});
        }
        if (result.diverged()) break;

        expand();
        EpochRecord record;
        record.epoch = epoch;
        record.train_loss = loss_sum / steps_per_epoch;
        Metrics test = task.evaluate_test(be, theta);
        record.test_loss = test.loss;
        record.test_accuracy = test.accuracy;
        record.train_accuracy = config.evaluate_train == TrainEval::every_epoch
                                    ? task.evaluate_train(be, theta).accuracy
                                    : std::nan("");
        record.seconds = seconds_so_far();
        result.epochs.push_back(record);
        if (!std::isfinite(test.loss)) {
            result.stop = StopReason::diverged;
            break;
        }
        if (hooks.on_epoch && !hooks.on_epoch(record)) {
            result.stop = StopReason::cancelled;
            break;
        }
        result.stop = early_stop(result.epochs, hooks, config.epochs, task.has_accuracy());
        if (result.stop == StopReason::completed) continue;
        if (epoch < config.epochs)   // an early stop: keep where it stood (TrainCheckpoint)
            result.checkpoint = std::make_shared<const TrainCheckpoint>(TrainCheckpoint{
                result.epochs, {w.begin(), w.end()}, optimizer.state(), result.steps,
                seconds_so_far()});
        break;
    }

    if (!result.epochs.empty()) {
        EpochRecord& last = result.epochs.back();
        if (config.evaluate_train == TrainEval::last_epoch && !result.diverged())
            last.train_accuracy = task.evaluate_train(be, theta).accuracy;   // θ of that epoch
        result.test_accuracy = last.test_accuracy;
        result.train_accuracy = last.train_accuracy;
        result.test_loss = last.test_loss;
    }
    if (result.diverged()) result.test_accuracy = result.train_accuracy = std::nan("");
    result.seconds = seconds_so_far();
    result.trainable.assign(w.begin(), w.end());
    return result;
}

}  // namespace idim
