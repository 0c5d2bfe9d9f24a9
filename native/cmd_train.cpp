// idim train: ordinary training of all D parameters (the baseline of every d_int90), with a
// progress bar, a final summary, and the JSON/CSV reports.
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "model_saving.h"
#include "report.h"

namespace idim::cli {

// "test accuracy 0.9512  train 0.9934  test loss 0.1650  (completed, 10 epochs, 1m02s)"
std::string result_line(const TrainResult& r, bool graded) {
    char buf[200];
    if (!graded && !r.diverged())
        std::snprintf(buf, sizeof buf, "solved %s  loss %.3g  (%s, %zu epochs, %s)",
                      r.test_accuracy >= 1 ? "yes" : "no", r.test_loss, to_string(r.stop).c_str(),
                      r.epochs.size(), format_duration(r.seconds).c_str());
    else if (r.diverged())
        std::snprintf(buf, sizeof buf, "diverged (NaN or infinite loss) after %lld steps",
                      (long long)r.steps);
    else
        std::snprintf(buf, sizeof buf, "test accuracy %.4f  train %.4f  test loss %.4f  (%s, %zu epochs, %s)",
                      r.test_accuracy, r.train_accuracy, r.test_loss, to_string(r.stop).c_str(),
                      r.epochs.size(), format_duration(r.seconds).c_str());
    return buf;
}

// Trains one run with a step-level progress bar and writes its JSON/CSV; d = 0: full training.
int run_single(const std::string& command, const CommonOptions& o, const SubspaceOptions* sub,
               const Problem& problem, uint64_t d) {
    auto task = problem.make_task();
    int64_t steps = int64_t(o.train.epochs) *
                    int64_t((task->train_size() + o.train.batch - 1) / o.train.batch);
    task.reset();
    Progress progress(command, steps, o.quiet);
    backend_by_name(o.backend).set_threads(o.threads);
    RunContext ctx{problem, o, sub};
    ctx.keep_trainable = !o.save_path.empty();
    if (!sub) ctx.on_trainer = checkpoint_saver(o, problem, o.seed);
    if (!o.init_path.empty()) std::cout << start_line(o) << '\n';
    RunRecord run = run_one(ctx, d, o.seed, &progress, RunDetail::steps);
    progress.finish();

    std::cout << (d ? "d = " + std::to_string(d) + " (" + run.projection + "): " : "")
              << result_line(run.result, !problem.toy()) << "  D = " << problem.dim() << '\n';
    if (o.op_stats) std::cout << op_stats_json(run).dump() << '\n';
    if (!o.json_path.empty()) {
        Json doc = results_head(config_json(command, o, sub), &problem);
        if (d) doc.update({{"d", d}, {"projection", run.projection}, {"seed", run.seed}});
        doc.update(result_json(run.result));
        if (o.op_stats) doc["op_stats"] = op_stats_json(run);
        write_json(o.json_path, doc);
    }
    if (!o.csv_path.empty()) {
        if (d) write_runs_csv(o.csv_path, {run});
        else write_epochs_csv(o.csv_path, run.result);
    }
    if (!o.save_path.empty()) save_run(command, o, sub, problem, run);
    if (d && !o.svg_path.empty()) {
        PlotSpec plot{command + " d = " + std::to_string(d), plot_subtitle(problem), {run}};
        write_file_atomically(o.svg_path, plot_svg(plot));
    }
    return run.result.stop == StopReason::cancelled ? kExitInterrupted : 0;
}

Command add_train_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand("train", "Train all D parameters and report test accuracy");
    auto o = std::make_shared<CommonOptions>();
    add_common_options(*app, *o, true);
    add_output_options(*app, *o, false);
    add_save_options(*app, *o, true);
    return {app, [app, o] {
        finalise_options(*app, *o);
        Problem problem(*o);
        return run_single("train", *o, nullptr, problem, 0);
    }};
}

}  // namespace idim::cli
