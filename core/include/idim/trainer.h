// Training, for full and subspace training alike. Trainer is the one training step in the tree:
// seeded mini-batch order, θ = expand(w), ∇θ from the task (+ L2 on θ), g = contract(∇θ), the
// optimiser at the scheduled rate. train() is the epoch loop over it: per-epoch evaluation,
// divergence detection and the early stops the d_int90 search uses. The CLI, the WebAssembly page
// and the benchmarks all step through Trainer.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "idim/optimizer.h"
#include "idim/parametrization.h"
#include "idim/task.h"

namespace idim {

// When the trainer measures training accuracy (one forward pass over the training set each
// time). A d_int90 search judges test accuracy and needs the training accuracy only for its
// report, so it asks for the last epoch alone: about a sixth less work per run.
enum class TrainEval { every_epoch, last_epoch, never };
std::string to_string(TrainEval when);

// Full-training defaults: SGD with momentum 0.9, lr 0.02 with a cosine decay, batch 64, 20
// epochs. On the mnist split (7,996 train / 2,004 test) this measured 95.3% for FC 784-200-200-10
// and 97.2% for LeNet; Adam at 1e-3 (batch 128) plateaued at 95.1% and 96.0–96.4% for LeNet.
struct TrainConfig {
    int epochs = 20;
    int batch = 64;
    uint64_t seed = 0;              // batch order (run_spec.h: the run's seed)
    double weight_decay = 0.0;      // L2 on the full θ (as the original), added to ∇θ
    OptimizerConfig optimizer;
    TrainEval evaluate_train = TrainEval::every_epoch;
};

struct EpochRecord {
    int epoch = 0;                  // 1-based
    double train_loss = 0;          // mean mini-batch loss over the epoch
    double train_accuracy = 0;      // evaluated after the epoch (NaN if not evaluated)
    double test_loss = 0, test_accuracy = 0;
    double seconds = 0;             // since training started
};

// Which accuracy a run is judged by.
enum class Metric { test, train };
std::string to_string(Metric metric);
Metric parse_metric(const std::string& name);   // throws idim::Error naming the known ones

enum class StopReason { completed, reached_target, cannot_reach_target, diverged, cancelled };
std::string to_string(StopReason reason);

// Everything a trainer's next steps depend on.
struct TrainerState {
    std::vector<float> trainable;
    Optimizer::State optimizer;
    int64_t steps = 0;
};

// Where a run that an early stop ended stood after its last epoch: enough to train it on to the
// end exactly as if it had never stopped (the d_int search does so with the runs its answer
// rests on).
struct TrainCheckpoint {
    std::vector<EpochRecord> epochs;   // the epochs done
    TrainerState state;
    double seconds = 0;
};

struct TrainResult {
    std::vector<EpochRecord> epochs;
    StopReason stop = StopReason::completed;
    double test_accuracy = 0, train_accuracy = 0, test_loss = 0;   // of the last epoch evaluated
    double seconds = 0;
    int64_t steps = 0;
    std::vector<float> trainable;   // final trainable vector (θ_d, or θ for full training)
    // Set when reached_target or cannot_reach_target ended the run before its last epoch.
    std::shared_ptr<const TrainCheckpoint> checkpoint;
    bool diverged() const { return stop == StopReason::diverged; }
};

struct StepInfo {
    int epoch;                      // 1-based
    int64_t step, steps_per_epoch;  // step: 1-based within the epoch
    // This mini-batch's loss; after step_deferred NaN, and in train()'s on_step on such a
    // backend the epoch's mean loss as last read (NaN before the first read).
    double loss;
};

// One run's trainable vector, optimiser and step count over a task and parametrization (which it
// does not own), all in the backend's memory: per step only the loss crosses to the host, and
// with step_deferred not even that. Step k (from 0) takes mini-batch k mod steps_per_epoch of epoch ⌊k / steps per
// epoch⌋ + 1's seeded shuffle, at the schedule's rate for that fractional epoch.
class Trainer {
public:
    // Starts at the parametrization's initial vector; throws idim::Error for impossible settings.
    Trainer(Backend& be, Task& task, Parametrization& param, const TrainConfig& config);

    int64_t steps_per_epoch() const { return steps_per_epoch_; }
    int64_t steps() const { return steps_; }
    // The next mini-batch's step; its loss (before the update) is returned. A NaN or infinite
    // loss leaves the trainable vector as it was: the caller ends the run as diverged.
    StepInfo step();
    // The same with the loss left on the backend, added to the epoch's sum there: a step with no
    // host wait. A non-finite loss does not hold the update back; the caller reads the sum.
    StepInfo step_deferred();
    // The losses of this epoch's deferred steps, summed (a download: a host wait on a device).
    double epoch_loss_sum() const;
    // One step on the given training examples instead (hand-made batches: the page, tests).
    double step(std::span<const uint32_t> batch);
    // Mean loss of the given training examples at the current trainable vector (no update).
    double batch_loss(std::span<const uint32_t> batch);
    Metrics evaluate_test();
    Metrics evaluate_train();

    std::vector<float> trainable() const { return w_.download(); }
    void set_trainable(std::span<const float> values);   // throws unless the length matches
    TrainerState state() const;
    void restore(const TrainerState& state);   // of a trainer with the same setup

private:
    Backend& be_;
    Task& task_;
    Parametrization& param_;
    TrainConfig config_;
    const bool direct_;   // full training: θ and dθ are w and its gradient, not copies
    Buffer<float> w_, grad_, theta_copy_, dtheta_copy_;   // in be_'s memory
    Optimizer optimizer_;
    Buffer<uint32_t> order_on_;     // the epoch's shuffle in be_'s memory (host cannot read it)
    Buffer<double> loss_sum_;       // step_deferred: the epoch's losses, summed in be_'s memory
    int64_t steps_per_epoch_, steps_ = 0;
    std::vector<uint32_t> order_;   // the current epoch's shuffle
    int order_epoch_ = 0;           // which epoch order_ belongs to (0: none yet)
    bool theta_current_ = false;    // θ is expand(w) for the current w

    float* theta() { return direct_ ? w_.data() : theta_copy_.data(); }
    float* dtheta() { return direct_ ? grad_.data() : dtheta_copy_.data(); }
    const float* expanded();
    struct Batch {
        int epoch;
        int64_t step;            // 0-based within the epoch
        size_t begin, n;         // the slice of the epoch's order
    };
    Batch next_batch();
    double update(std::span<const uint32_t> batch);
    void apply_gradient(int64_t k);
    void check_batch(std::span<const uint32_t> batch) const;
};

struct TrainHooks {
    std::function<void(const StepInfo&)> on_step;
    // Called after each epoch; return false to stop (StopReason::cancelled).
    std::function<bool(const EpochRecord&)> on_epoch;
    // Early stop: once test accuracy ≥ target (reached_target), or once the remaining epochs
    // cannot plausibly close the gap (cannot_reach_target); NaN disables both.
    double target_accuracy = std::numeric_limits<double>::quiet_NaN();
    // The accuracy judged against the target: test, or training accuracy (memorisation of
    // shuffled labels, as the original's shuffled-label experiments; needs TrainEval::every_epoch).
    Metric metric = Metric::test;
    // The cannot-reach rule applies from this epoch on (0: never give a run up). Memorising
    // shuffled labels starts flat for many epochs and then climbs, so those runs need it off.
    int give_up_from_epoch = 3;
    // Called with the trainer before the first step and after every step (its steps() tells
    // which): what saves checkpoints of θ along the way. Null: not called.
    std::function<void(const Trainer&)> on_trainer;
};

// Subspace runs (subspace, sweep, dint): Adam at lr 0.05 with a cosine decay over 15 epochs,
// batch 128.
// Each coordinate of θ_d moves a unit-length direction of θ, so at the full-training rate of
// 1e-3 a run of 15 epochs on 8,000 digits is still far from converged (FC, fastfood, d = 750:
// 35% test accuracy after 6 epochs at 1e-3 against 86% at 0.05) and would overstate d_int90.
// Measured at d = 750: lr 0.03 constant 85.3%, 0.05 cosine 86.1%, 0.1 cosine 85.9%, 0.05 cosine
// over 25 epochs 86.1% — converged within the seed spread.
TrainConfig subspace_train_config();

// The toy task is a least-squares problem whose conditioning at d = 10 is that of a random 10×10
// matrix: plain Adam stalls on it. SGD with momentum 0.99 at lr 0.005 stays stable up to d = D
// (the curvature grows with d) and, with a dense P, solved d = 10 on 19 of seeds 0..19 and d = 9
// on none. One step per epoch, at most 50,000; a run stops as soon as the loss is below the
// tolerance.
TrainConfig toy_train_config();

// The toy task's P: a dense P is the generic random subspace its d_int = 10 argument is about;
// Fastfood's and the sparse P's structure leaves some seeds' 10×10 systems singular.
constexpr ProjectionKind toy_projection = ProjectionKind::dense;

// Full training as a d_int search's baseline: TrainConfig's defaults (the settings that converge
// full training), with the subspace runs' weight decay and training-accuracy measurement (the
// seed is each run's: run_spec.h).
TrainConfig baseline_train_config(const TrainConfig& subspace);

// The training defaults of one run: the toy task's own, full training's or the subspace runs'.
TrainConfig default_train_config(bool toy, bool full_training);

// Throws idim::Error for impossible settings (epochs < 1, batch < 1, bad optimiser).
// A NaN or infinite loss ends training with StopReason::diverged (never an exception).
// With `resume`, a checkpoint of a run with the same task, parametrization and config, training
// goes on from the epoch after it: the result is that of a run that never stopped.
TrainResult train(Backend& be, Task& task, Parametrization& param, const TrainConfig& config,
                  const TrainHooks& hooks = {}, const TrainCheckpoint* resume = nullptr);

}  // namespace idim
