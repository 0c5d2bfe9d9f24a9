// The training loop shared by full and subspace training: seeded mini-batch shuffling, the
// optimiser on the trainable vector, per-epoch evaluation, divergence detection and early stops.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "idim/optimizer.h"
#include "idim/parametrization.h"
#include "idim/task.h"

namespace idim {

struct TrainConfig {
    int epochs = 10;
    int batch = 128;
    uint64_t seed = 0;              // batch order (θ0 and P take their own seeds)
    double weight_decay = 0.0;      // L2 on the full θ (as the original), added to ∇θ
    OptimizerConfig optimizer;
    bool evaluate_train = true;     // train accuracy each epoch (costs one pass over the data)
};

struct EpochRecord {
    int epoch = 0;                  // 1-based
    double train_loss = 0;          // mean mini-batch loss over the epoch
    double train_accuracy = 0;      // evaluated after the epoch (NaN if not evaluated)
    double test_loss = 0, test_accuracy = 0;
    double seconds = 0;             // since training started
};

enum class StopReason { completed, reached_target, cannot_reach_target, diverged, cancelled };
std::string to_string(StopReason reason);

struct TrainResult {
    std::vector<EpochRecord> epochs;
    StopReason stop = StopReason::completed;
    double test_accuracy = 0, train_accuracy = 0, test_loss = 0;   // of the last epoch evaluated
    double seconds = 0;
    int64_t steps = 0;
    std::vector<float> trainable;   // final trainable vector (θ_d, or θ for full training)
    bool diverged() const { return stop == StopReason::diverged; }
};

struct StepInfo {
    int epoch;                      // 1-based
    int64_t step, steps_per_epoch;
    double loss;                    // this mini-batch
};

struct TrainHooks {
    std::function<void(const StepInfo&)> on_step;
    // Called after each epoch; return false to stop (StopReason::cancelled).
    std::function<bool(const EpochRecord&)> on_epoch;
    // Early stop: once test accuracy ≥ target (reached_target), or once the remaining epochs
    // cannot plausibly close the gap (cannot_reach_target); NaN disables both.
    double target_accuracy = std::numeric_limits<double>::quiet_NaN();
};

// The toy task is a least-squares problem whose conditioning at d = 10 is that of a random 10×10
// matrix: plain Adam stalls on it, SGD with momentum 0.9 at lr 0.3 (below the stability limit of
// the dense projection's curvature) solves every seed we tried within ~4,000 steps. One step per
// epoch; the run stops as soon as the loss is below the tolerance.
TrainConfig toy_train_config();

// Throws idim::Error for impossible settings (epochs < 1, batch < 1, bad optimiser).
// A NaN or infinite loss ends training with StopReason::diverged (never an exception).
TrainResult train(Backend& be, Task& task, Parametrization& param, const TrainConfig& config,
                  const TrainHooks& hooks = {});

}  // namespace idim
