// SGD with momentum and Adam over the trainable vector (the update itself is a backend kernel),
// plus the learning-rate schedules.
#include "idim/optimizer.h"

#include <cmath>
#include <numbers>

#include "idim/error.h"
#include "kind_names.h"

namespace idim {

std::string to_string(OptimizerKind kind) { return kind == OptimizerKind::sgd ? "sgd" : "adam"; }

std::string to_string(Schedule schedule) {
    switch (schedule) {
        case Schedule::constant: return "constant";
        case Schedule::step: return "step";
        case Schedule::cosine: return "cosine";
    }
    return "unknown";
}

OptimizerKind parse_optimizer(const std::string& name) {
    return parse_kind(name, std::array{OptimizerKind::adam, OptimizerKind::sgd}, "optimizer");
}

Schedule parse_schedule(const std::string& name) {
    return parse_kind(name, std::array{Schedule::constant, Schedule::step, Schedule::cosine},
                      "learning-rate schedule");
}

void validate(const OptimizerConfig& c) {
    auto finite_positive = [](double x) { return std::isfinite(x) && x > 0; };
    require(finite_positive(c.lr), "the learning rate must be a positive number, got " +
                                       std::to_string(c.lr));
    require(c.momentum >= 0 && c.momentum < 1, "momentum must be in [0, 1), got " +
                                                   std::to_string(c.momentum));
    require(c.beta1 >= 0 && c.beta1 < 1 && c.beta2 >= 0 && c.beta2 < 1,
            "Adam's beta1 and beta2 must be in [0, 1)");
    require(finite_positive(c.epsilon), "Adam's epsilon must be positive");
    require(c.step_epochs >= 1 && finite_positive(c.step_gamma),
            "step schedule: step_epochs must be at least 1 and gamma positive");
}

Optimizer::Optimizer(Backend& be, const OptimizerConfig& config, size_t n_params)
    : be_(be), config_((validate(config), config)), state_a_(be, n_params),
      state_b_(be, config.kind == OptimizerKind::adam ? n_params : 0) {}

Optimizer::State Optimizer::state() const { return {state_a_.download(), state_b_.download(), t_}; }

void Optimizer::restore(const State& state) {
    require(state.a.size() == state_a_.size() && state.b.size() == state_b_.size(),
            "optimiser state of another kind or size");
    state_a_.upload(state.a);
    state_b_.upload(state.b);
    t_ = state.t;
}

void Optimizer::step(double lr, const float* grad, float* params) {
    Backend& be = be_;
    ++t_;
    if (config_.kind == OptimizerKind::sgd)
        be.sgd_momentum_step(state_a_.size(), float(lr), float(config_.momentum), grad,
                             state_a_.data(), params);
    else
        be.adam_step(state_a_.size(), float(lr), float(config_.beta1), float(config_.beta2),
                     float(config_.epsilon), t_, grad, state_a_.data(), state_b_.data(), params);
}

double scheduled_lr(const OptimizerConfig& c, double epoch, int total_epochs) {
    if (c.schedule == Schedule::step)
        return c.lr * std::pow(c.step_gamma, std::floor(epoch / c.step_epochs));
    if (c.schedule == Schedule::cosine)
        return c.lr * 0.5 * (1 + std::cos(std::numbers::pi * epoch / std::max(total_epochs, 1)));
    return c.lr;
}

}  // namespace idim
