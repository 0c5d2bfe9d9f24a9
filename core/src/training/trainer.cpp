// Trainer, the one training step (see trainer.h), and train(), the epoch loop over it: per epoch
// an evaluation, the divergence check and the early stops the d_int90 search uses.
#include "idim/trainer.h"

#include <chrono>
#include <cmath>
#include <numeric>

#include "idim/error.h"
#include "kind_names.h"
#include "idim/rng.h"

namespace idim {
namespace {

using Clock = std::chrono::steady_clock;

// train() on a device backend reads the loss this often: each read is a host wait, and a run
// that diverged still stops within this many steps.
constexpr int64_t kLossReadEvery = 16;

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
    auto accuracy = [on_train = hooks.metric == Metric::train](const EpochRecord& r) {
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

std::string to_string(Metric metric) { return metric == Metric::test ? "test" : "train"; }

Metric parse_metric(const std::string& name) {
    return parse_kind(name, std::array{Metric::test, Metric::train}, "metric");
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
    c.optimizer.kind = OptimizerKind::adam;
    c.optimizer.lr = 0.05;
    c.optimizer.schedule = Schedule::cosine;
    return c;
}

TrainConfig toy_train_config() {
    TrainConfig c;
    c.epochs = 50000;
    c.optimizer.kind = OptimizerKind::sgd;
    c.optimizer.lr = 0.005;
    c.optimizer.momentum = 0.99;
    c.optimizer.schedule = Schedule::constant;
    c.evaluate_train = TrainEval::never;
    return c;
}

TrainConfig baseline_train_config(const TrainConfig& subspace) {
    TrainConfig c;
    c.weight_decay = subspace.weight_decay;
    c.evaluate_train = subspace.evaluate_train;
    return c;
}

TrainConfig default_train_config(bool toy, bool full_training) {
    if (toy) return toy_train_config();
    return full_training ? TrainConfig{} : subspace_train_config();
}

Trainer::Trainer(Backend& be, Task& task, Parametrization& param, const TrainConfig& config)
    : be_(be), task_(task), param_(param), config_((validate(config), config)),
      direct_(param.trainable_is_theta()), w_(be, param.trainable_count()), grad_(be, w_.size()),
      theta_copy_(be, direct_ ? 0 : task.dim()), dtheta_copy_(be, direct_ ? 0 : task.dim()),
      optimizer_(be, config.optimizer, w_.size()),
      order_on_(be, be.host_addressable() ? 0 : task.train_size()), loss_sum_(be, 1),
      steps_per_epoch_(int64_t((task.train_size() + config.batch - 1) / config.batch)) {
    require(task.train_size() >= 1, "the task has no training examples");
    param_.init_trainable(be_, w_.data());
}

const float* Trainer::expanded() {
    if (!direct_ && !theta_current_) param_.expand(be_, w_.data(), theta());
    theta_current_ = true;
    return theta();
}

// θ and dθ for the batch, the step on w; returns the batch's loss (w untouched when not finite).
double Trainer::update(std::span<const uint32_t> batch) {
    const int64_t k = steps_++;
    const double loss = task_.loss_and_grad(be_, expanded(), batch, dtheta()).loss;
    if (!std::isfinite(loss)) return loss;
    apply_gradient(k);
    return loss;
}

// Weight decay, the contraction to w's gradient and the optimiser's step k (from 0).
void Trainer::apply_gradient(int64_t k) {
    if (config_.weight_decay > 0)   // Keras l2(λ) adds λ·Σθ² to the loss: ∇ += 2λθ
        be_.axpby(task_.dim(), float(2 * config_.weight_decay), theta(), 1.0f, dtheta());
    if (!direct_) param_.contract(be_, w_.data(), dtheta(), grad_.data());
    const double epoch = double(k / steps_per_epoch_) + double(k % steps_per_epoch_) / steps_per_epoch_;
    optimizer_.step(scheduled_lr(config_.optimizer, epoch, config_.epochs), grad_.data(), w_.data());
    theta_current_ = false;
}

Trainer::Batch Trainer::next_batch() {
    const int epoch = int(steps_ / steps_per_epoch_) + 1;
    const int64_t s = steps_ % steps_per_epoch_;
    const size_t n_train = task_.train_size(), begin = size_t(s) * config_.batch;
    if (order_epoch_ != epoch) {   // one upload an epoch, not one a batch
        order_ = epoch_order(config_.seed, epoch, n_train);
        order_epoch_ = epoch;
        if (!be_.host_addressable()) order_on_.upload(order_);
    }
    return {epoch, s, begin, std::min<size_t>(config_.batch, n_train - begin)};
}

StepInfo Trainer::step() {
    const Batch b = next_batch();
    return {b.epoch, b.step + 1, steps_per_epoch_, update({order_.data() + b.begin, b.n})};
}

StepInfo Trainer::step_deferred() {
    const Batch b = next_batch();
    if (b.step == 0) {
        const double zero = 0;
        be_.upload(&zero, sizeof zero, loss_sum_.data());
    }
    const int64_t k = steps_++;
    const uint32_t* order = be_.host_addressable() ? order_.data() : order_on_.data();
    task_.loss_and_grad_onto(be_, expanded(), order + b.begin, b.n, dtheta(), loss_sum_.data());
    apply_gradient(k);
    return {b.epoch, b.step + 1, steps_per_epoch_, std::nan("")};
}

double Trainer::epoch_loss_sum() const {
    double sum;
    be_.download(loss_sum_.data(), sizeof sum, &sum);
    return sum;
}

// A hand-made batch (the page's, a test's): the trainer's own batches need no check.
void Trainer::check_batch(std::span<const uint32_t> batch) const {
    require(!batch.empty(), "the batch is empty");
    for (uint32_t i : batch)
        require(i < task_.train_size(), "batch index ", i, " is outside the ", task_.train_size(),
                " training examples");
}

double Trainer::step(std::span<const uint32_t> batch) {
    check_batch(batch);
    return update(batch);
}

double Trainer::batch_loss(std::span<const uint32_t> batch) {
    check_batch(batch);
    return task_.loss_and_grad(be_, expanded(), batch, dtheta()).loss;
}

Metrics Trainer::evaluate_test() { return task_.evaluate_test(be_, expanded()); }
Metrics Trainer::evaluate_train() { return task_.evaluate_train(be_, expanded()); }

void Trainer::set_trainable(std::span<const float> values) {
    require(values.size() == w_.size(), "expected ", w_.size(), " trainable numbers, got ",
            values.size());
    w_.upload(values);
    theta_current_ = false;
}

TrainerState Trainer::state() const { return {w_.download(), optimizer_.state(), steps_}; }

void Trainer::restore(const TrainerState& state) {
    require(state.steps >= 0, "a trainer state with negative steps");
    set_trainable(state.trainable);
    optimizer_.restore(state.optimizer);
    steps_ = state.steps;
}

TrainResult train(Backend& be, Task& task, Parametrization& param, const TrainConfig& config,
                  const TrainHooks& hooks, const TrainCheckpoint* resume) {
    validate(config);
    require(hooks.metric == Metric::test || config.evaluate_train == TrainEval::every_epoch,
            "a target on training accuracy needs the training accuracy evaluated each epoch");
    require(hooks.give_up_from_epoch >= 0, "the give-up epoch must not be negative");
    Trainer trainer(be, task, param, config);
    require(!resume || (resume->state.trainable.size() == param.trainable_count() &&
                        int(resume->epochs.size()) < config.epochs),
            "the checkpoint does not belong to this run");
    const auto start = Clock::now();
    double seconds_before = 0;   // of a resumed run, before it stopped
    TrainResult result;
    if (resume) {
        trainer.restore(resume->state);
        result.epochs = resume->epochs;
        seconds_before = resume->seconds;
    }
    const auto seconds_so_far = [&] {
        return seconds_before + std::chrono::duration<double>(Clock::now() - start).count();
    };

    if (hooks.on_trainer) hooks.on_trainer(trainer);
    // Where reading the loss is a wait on a device, the steps leave it there (step_deferred) and
    // it is read every kLossReadEvery steps and at the epoch's end: the same sum, in the same
    // order. On the host a read costs nothing, so a diverged step stops the run at once there.
    const bool deferred = !be.host_addressable();
    double shown_loss = std::nan("");   // deferred: the epoch's mean loss as last read
    for (int epoch = int(result.epochs.size()) + 1; epoch <= config.epochs; ++epoch) {
        double loss_sum = 0;
        for (int64_t s = 0; s < trainer.steps_per_epoch(); ++s) {
            StepInfo info;
            if (deferred) {
                info = trainer.step_deferred();
                if (info.step % kLossReadEvery == 0 || info.step == info.steps_per_epoch) {
                    loss_sum = trainer.epoch_loss_sum();
                    shown_loss = loss_sum / double(info.step);
                }
                info.loss = shown_loss;
            } else {
                info = trainer.step();
                if (std::isfinite(info.loss)) loss_sum += info.loss;
                else loss_sum = info.loss;
            }
            if (!std::isfinite(loss_sum)) {
                result.stop = StopReason::diverged;
                break;
            }
            if (hooks.on_step) hooks.on_step(info);
            if (hooks.on_trainer) hooks.on_trainer(trainer);
        }
        if (result.diverged()) break;

        EpochRecord record;
        record.epoch = epoch;
        record.train_loss = loss_sum / trainer.steps_per_epoch();
        Metrics test = trainer.evaluate_test();
        record.test_loss = test.loss;
        record.test_accuracy = test.accuracy;
        record.train_accuracy = config.evaluate_train == TrainEval::every_epoch
                                    ? trainer.evaluate_train().accuracy
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
            result.checkpoint = std::make_shared<const TrainCheckpoint>(
                TrainCheckpoint{result.epochs, trainer.state(), seconds_so_far()});
        break;
    }

    if (!result.epochs.empty()) {
        EpochRecord& last = result.epochs.back();
        if (config.evaluate_train == TrainEval::last_epoch && !result.diverged())
            last.train_accuracy = trainer.evaluate_train().accuracy;   // θ of that epoch
        result.test_accuracy = last.test_accuracy;
        result.train_accuracy = last.train_accuracy;
        result.test_loss = last.test_loss;
    }
    if (result.diverged()) result.test_accuracy = result.train_accuracy = std::nan("");
    result.seconds = seconds_so_far();
    result.steps = trainer.steps();
    result.trainable = trainer.trainable();
    return result;
}

}  // namespace idim
