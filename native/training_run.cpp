// Making and training one run (see training_run.h), the per-d summary and the Ctrl-C flag.
#include "training_run.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <map>

namespace idim::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) {
    g_interrupted = true;
    std::signal(SIGINT, SIG_DFL);   // a second Ctrl-C ends the process at once
}

// The running mini-batch loss (on a device backend the epoch's mean as last read; NaN: none
// yet), and the accuracy of the last finished epoch (NaN: none yet).
std::string step_status(const StepInfo& s, double last_accuracy) {
    char buf[96];
    if (std::isnan(s.loss))
        std::snprintf(buf, sizeof buf, "epoch %d", s.epoch);
    else if (std::isnan(last_accuracy))
        std::snprintf(buf, sizeof buf, "epoch %d  loss %.4f", s.epoch, s.loss);
    else
        std::snprintf(buf, sizeof buf, "epoch %d  loss %.4f  test acc %.4f", s.epoch, s.loss,
                      last_accuracy);
    return buf;
}

std::string epoch_line(const EpochRecord& e, int epochs, bool graded) {
    char buf[200];
    if (graded)
        std::snprintf(buf, sizeof buf,
                      "epoch %d/%d  train loss %.4f  train acc %.4f  test loss %.4f  test acc %.4f  %s",
                      e.epoch, epochs, e.train_loss, e.train_accuracy, e.test_loss,
                      e.test_accuracy, format_duration(e.seconds).c_str());
    else
        std::snprintf(buf, sizeof buf, "epoch %d/%d  loss %.3g  solved %s  %s", e.epoch, epochs,
                      e.test_loss, e.test_accuracy >= 1 ? "yes" : "no",
                      format_duration(e.seconds).c_str());
    return buf;
}

// --epochs 0 (with --init): the starting point's accuracy, as an epoch 0 with no steps.
TrainResult evaluate_start(Backend& be, Task& task, Parametrization& param, TrainConfig config) {
    config.epochs = 1;   // the trainer needs a schedule; no step is taken
    Trainer trainer(be, task, param, config);
    EpochRecord e;
    const Metrics test = trainer.evaluate_test();
    e.test_loss = test.loss;
    e.test_accuracy = test.accuracy;
    e.train_accuracy = trainer.evaluate_train().accuracy;
    e.train_loss = NAN;
    TrainResult r;
    r.epochs = {e};
    r.test_accuracy = e.test_accuracy;
    r.train_accuracy = e.train_accuracy;
    r.test_loss = e.test_loss;
    r.trainable = trainer.trainable();
    return r;
}

// Adds to record.step_ops what the backend did from the start of each step to its end: the
// trainer is seen before the first step and after each, and an epoch's evaluation lies between
// its last step and on_epoch. Work of the hooks chained here is left out too.
void count_steps(const CountingBackend& counter, TrainHooks& hooks, RunRecord& record) {
    auto mark = std::make_shared<OpCounts>();
    auto started = std::make_shared<bool>(false);
    hooks.on_trainer = [&counter, &record, mark, started, next = hooks.on_trainer](const Trainer& t) {
        if (*started) {
            record.step_ops += counter.counts() - *mark;
            ++record.counted_steps;
        }
        *started = true;
        if (next) next(t);
        *mark = counter.counts();
    };
    hooks.on_epoch = [&counter, mark, next = hooks.on_epoch](const EpochRecord& e) {
        const bool go_on = next ? next(e) : true;
        *mark = counter.counts();
        return go_on;
    };
}

}  // namespace

void install_interrupt_handler() { std::signal(SIGINT, on_sigint); }
bool interrupted() { return g_interrupted; }

RunRecord run_one(const RunContext& ctx, uint64_t d, uint64_t seed, Progress* progress,
                  RunDetail detail) {
    // Made before the task and parametrization, whose buffers it allocates, and gone after them.
    std::unique_ptr<CountingBackend> counter;
    if (ctx.options.op_stats)
        counter = std::make_unique<CountingBackend>(backend_by_name(ctx.options.backend));
    Backend& be = counter ? *counter : backend_by_name(ctx.options.backend);
    std::unique_ptr<Task> task = ctx.problem.make_task();
    RunRecord record;
    record.d = d;
    record.seed = seed;
    RunSpec run = run_spec(subspace_spec(ctx.subspace, d), ctx.options.train, seed);
    run.subspace.start = ctx.problem.start();
    std::unique_ptr<Parametrization> param = make_parametrization(be, *task, run.subspace);
    if (ctx.subspace) record.projection = param->name();
    if (ctx.options.train.epochs == 0) {
        record.result = evaluate_start(be, *task, *param, run.train);
        record.score = ctx.options.metric == Metric::train ? record.result.train_accuracy
                                                           : record.result.test_accuracy;
        if (!ctx.keep_trainable) record.result.trainable.clear();
        return record;
    }

    const TrainConfig& config = run.train;
    TrainHooks hooks;
    hooks.target_accuracy = ctx.target_accuracy;
    hooks.metric = ctx.options.metric;
    hooks.give_up_from_epoch = ctx.options.give_up_from;
    hooks.on_trainer = ctx.on_trainer;
    const bool graded = task->has_accuracy();
    const int epochs = config.epochs;
    double last_accuracy = NAN;
    if (progress && detail == RunDetail::steps) {
        hooks.on_step = [progress, &last_accuracy](const StepInfo& s) {
            progress->update((s.epoch - 1) * s.steps_per_epoch + s.step,
                             step_status(s, last_accuracy));
        };
    }
    hooks.on_epoch = [&](const EpochRecord& e) {
        if (graded) last_accuracy = e.test_accuracy;
        if (progress && detail == RunDetail::steps)
            progress->note(epoch_line(e, epochs, graded), graded || e.epoch == epochs);
        return !interrupted();
    };
    if (counter) count_steps(*counter, hooks, record);
    const TrainCheckpoint* from = nullptr;
    if (ctx.resume)
        if (auto found = ctx.resume->find({d, seed}); found != ctx.resume->end())
            from = found->second.get();
    record.result = train(be, *task, *param, config, hooks, from);
    record.score = hooks.metric == Metric::train ? record.result.train_accuracy
                                                 : record.result.test_accuracy;
    record.stopped_early = record.result.checkpoint != nullptr;
    if (!ctx.keep_trainable) {
        record.result.trainable.clear();
        record.result.trainable.shrink_to_fit();
    }
    return record;
}

RunOutcome outcome_of(const RunRecord& r) {
    return {r.d, r.seed, r.score, r.result.diverged(), r.stopped_early};
}

std::vector<DSummary> summarise(const std::vector<RunRecord>& unordered) {
    // In (d, seed) order, so the sums' bits do not depend on the order the runs finished in.
    std::vector<RunRecord> runs = unordered;
    std::sort(runs.begin(), runs.end(), [](const RunRecord& a, const RunRecord& b) {
        return std::pair(a.d, a.seed) < std::pair(b.d, b.seed);
    });
    std::vector<RunOutcome> outcomes;
    for (const RunRecord& r : runs) outcomes.push_back(outcome_of(r));
    std::vector<DSummary> out;
    for (const idim::DSummary& core : idim::summarise(outcomes)) {
        DSummary s{core};
        for (const RunRecord& r : runs) {
            if (r.d != s.d) continue;
            const bool failed = run_failed(outcome_of(r));
            const TrainResult& t = r.result;
            // NaN when train accuracy was not evaluated (the toy task)
            s.mean_test += (failed ? 0.0 : t.test_accuracy) / s.runs;
            s.mean_train += (failed ? 0.0 : t.train_accuracy) / s.runs;
            s.mean_test_loss += (failed ? NAN : t.test_loss) / s.runs;
        }
        out.push_back(s);
    }
    return out;
}

}  // namespace idim::cli
