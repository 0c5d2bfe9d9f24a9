// Optimisers over the trainable vector and learning-rate schedules.
// SGD with momentum: v = μ·v + g; p -= lr·v (Keras/TF1 MomentumOptimizer, as the original).
// Adam (Kingma & Ba): m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
//   p -= lr·√(1−β2^t)/(1−β1^t) · m / (√v + ε)   (the TF1 form the original scripts ran).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "idim/backend.h"
#include "idim/buffer.h"

namespace idim {

enum class OptimizerKind { sgd, adam };
enum class Schedule { constant, step, cosine };
std::string to_string(OptimizerKind kind);
std::string to_string(Schedule schedule);
// Throw idim::Error naming the known ones for any other name.
OptimizerKind parse_optimizer(const std::string& name);
Schedule parse_schedule(const std::string& name);

// Defaults are those of full training (see TrainConfig).
struct OptimizerConfig {
    OptimizerKind kind = OptimizerKind::sgd;
    double lr = 0.02;
    double momentum = 0.9;          // sgd
    double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7;   // adam (Keras defaults)
    Schedule schedule = Schedule::cosine;
    double step_gamma = 0.1;        // step: lr *= gamma every step_epochs
    int step_epochs = 10;
};

class Optimizer {
public:
    // Its state lives in be's memory; params and grad passed to step must too.
    Optimizer(Backend& be, const OptimizerConfig& config, size_t n_params);
    // One update of params (n) with grad (n) at learning rate lr.
    void step(double lr, const float* grad, float* params);

    // Everything the next steps depend on, so a stopped run can go on as if it had not stopped.
    struct State {
        std::vector<float> a, b;   // sgd: velocity; adam: m, v
        int64_t t = 0;             // steps taken
    };
    State state() const;
    void restore(const State& state);   // from an optimiser of the same kind and size

private:
    Backend& be_;
    OptimizerConfig config_;
    Buffer<float> state_a_, state_b_;   // sgd: velocity; adam: m, v
    int64_t t_ = 0;
};

// The learning rate at a fractional epoch in [0, total_epochs).
double scheduled_lr(const OptimizerConfig& config, double epoch, int total_epochs);

// Throws idim::Error for a negative or non-finite rate, momentum outside [0, 1), etc.
void validate(const OptimizerConfig& config);

}  // namespace idim
