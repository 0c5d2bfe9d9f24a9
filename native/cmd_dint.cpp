// idim dint: the automatic d_int90 search. Trains the baseline (unless --baseline), sets the
// threshold to fraction × baseline, and lets search_intrinsic_dim pick the d to try; each batch
// of (d, seed) runs goes through the run pool with the threshold as early-stop target, except
// the runs the search asks to be trained to the end, which go on from where they stopped.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "idim/error.h"
#include "idim/intrinsic_dim.h"
#include "results_writer.h"
#include "run_pool.h"

namespace idim::cli {

struct DintOptions {
    DintConfig search;
    std::optional<double> baseline;
    int baseline_seeds = 1, jobs = 2;
};

// "d_int90", "d_int100", "d_int95"
std::string d_int_name(double fraction) {
    return "d_int" + std::to_string(int(std::lround(fraction * 100)));
}

namespace {

// The toy task has no accuracy to take 90% of: solved or not, so d_int100 with baseline 1.
void toy_defaults(const CLI::App& app, DintOptions& s) {
    if (!app.count("--baseline")) s.baseline = 1.0;
    if (!app.count("--fraction")) s.search.fraction = 1.0;
    if (!app.count("--d-min")) s.search.d_min = 1;
}

// Full training of the same model and data with `idim train`'s defaults (the settings that
// converge full training; the subspace runs have their own, see subspace_train_config), the
// same seeds and weight decay; mean test accuracy over its seeds.
double train_baseline(const Problem& problem, const CommonOptions& subspace_options,
                      const DintOptions& s, Json& baseline_json) {
    CommonOptions o = subspace_options;
    o.train = TrainConfig{};
    o.train.seed = subspace_options.train.seed;
    o.train.weight_decay = subspace_options.train.weight_decay;
    o.train.evaluate_train = subspace_options.train.evaluate_train;
    RunContext ctx{problem, o, nullptr};
    RunList list;
    for (int k = 0; k < s.baseline_seeds; ++k) list.push_back({0, o.train.seed + k});
    Progress progress("baseline", int64_t(list.size()), o.quiet);
    progress.note("training the baseline (all D parameters, " + std::to_string(list.size()) +
                  " run" + (list.size() > 1 ? "s" : "") + ")");
    std::vector<RunRecord> runs =
        run_pool(ctx, list, std::min<int>(s.jobs, int(list.size())), progress, {});
    progress.finish();
    double sum = 0;
    baseline_json = Json::array();
    for (const RunRecord& r : runs) {
        require(!r.result.diverged(), "the baseline training diverged (NaN loss); lower --lr or "
                                      "give a fixed --baseline");
        sum += r.score;
        baseline_json.push_back(run_json(r));
    }
    return sum / runs.size();
}

void print_summary(const std::vector<RunRecord>& runs, const DintResult& result, double baseline,
                   double fraction, const std::string& name) {
    std::cout << '\n';
    print_runs_table(std::cout, runs, result.threshold);
    std::printf("\nbaseline accuracy %.4f, threshold %.4f (%g%% of it)\n", baseline,
                result.threshold, fraction * 100);
    for (const DSummary& s : summarise(runs))
        if (result.d_int && s.d == *result.d_int)
            std::printf("%s = %llu   (mean %.4f, min %.4f, max %.4f over %d runs)\n", name.c_str(),
                        (unsigned long long)s.d, s.mean, s.min, s.max, s.runs);
    if (!result.d_int) std::printf("%s not found: even d = max did not reach the threshold\n", name.c_str());
}

int run_dint(const CLI::App& app, CommonOptions& o, SubspaceOptions& sub, DintOptions& s) {
    finalise_options(app, o);
    finalise_projection(app, o, sub);
    if (is_toy(o.data)) toy_defaults(app, s);
    require(s.search.fraction > 0 && s.search.fraction <= 1, "--fraction must be in (0, 1]");
    require(s.jobs >= 1 && s.baseline_seeds >= 1, "--jobs and --baseline-seeds must be at least 1");
    require(!s.baseline || (*s.baseline > 0 && *s.baseline <= 1), "--baseline must be in (0, 1]");
    require(s.search.seeds >= 1, "--seeds must be at least 1");
    Problem problem(o);
    if (s.search.d_max == 0) s.search.d_max = problem.dim();
    for (uint64_t d : {s.search.d_min, s.search.d_max})
        check_subspace_request(sub, problem, d);
    require(s.search.d_min <= s.search.d_max, "--d-min exceeds --d-max");

    const std::string name = d_int_name(s.search.fraction);
    Json head = {{"version", IDIM_VERSION}, {"config", config_json("dint", o, &sub)},
                 {"data", problem.data_description()}, {"D", problem.dim()},
                 {"projection", sub.projection}, {"fraction", s.search.fraction},
                 {"seeds", s.search.seeds}, {"d_min", s.search.d_min}, {"d_max", s.search.d_max}};
    PlotSpec plot{plot_title(o, sub), plot_subtitle(problem)};
    plot.fraction = s.search.fraction;
    plot.d_int_label = name;
    if (problem.toy()) plot.y_label = "solved (1) or not (0)";
    ResultsWriter writer(head, o, plot);
    writer.set_plot_lines(std::nullopt, std::nullopt, std::nullopt);
    writer.finish({}, "baseline");

    Json baseline_runs = Json::array();
    double baseline = s.baseline ? *s.baseline : train_baseline(problem, o, s, baseline_runs);
    double threshold = s.search.fraction * baseline;
    Json extra = {{"baseline_accuracy", baseline}, {"baseline_fixed", s.baseline.has_value()},
                  {"baseline_runs", baseline_runs}, {"threshold", threshold}, {name, nullptr},
                  {"epochs", baseline_runs.empty() ? Json::array() : baseline_runs[0]["epochs"]}};
    writer.set_plot_lines(baseline, threshold, std::nullopt);
    writer.finish(extra, "running");

    Checkpoints stopped;   // where the runs an early stop ended stood, to train them on
    const RunContext with_early_stops{problem, o, &sub, threshold},
        to_the_end{problem, o, &sub, NAN, &stopped};
    Progress progress("runs", 0, o.quiet);
    RunBatch batch = [&](const std::vector<RunRequest>& asked) {
        RunList early, full;   // the search's seeds count from 0, the runs' from --seed
        for (const RunRequest& j : asked)
            (j.early_stops ? early : full).push_back({j.d, o.train.seed + j.seed});
        std::vector<RunOutcome> outcomes;
        auto keep = [&](const std::vector<RunRecord>& records) {
            for (const RunRecord& r : records) {
                outcomes.push_back({r.d, r.seed - o.train.seed, r.score, r.result.diverged(),
                                    r.result.checkpoint != nullptr});
                if (r.result.checkpoint) stopped[{r.d, r.seed}] = r.result.checkpoint;
            }
        };
        const std::string d = "d = " + std::to_string(asked.front().d);
        if (!early.empty()) {
            progress.reset(d, int64_t(early.size()));
            keep(run_pool(with_early_stops, early, s.jobs, progress,
                          [&](const RunRecord& r) { writer.add(r); }));
        }
        if (!full.empty()) {
            progress.reset(d + ", the runs that stopped early trained on to the end",
                           int64_t(full.size()));
            keep(run_pool(to_the_end, full, s.jobs, progress,
                          [&](const RunRecord& r) { writer.replace(r); }));
        }
        return outcomes;
    };
    DintResult result;
    try {
        result = search_intrinsic_dim(s.search, threshold, batch);
    } catch (const Interrupted&) {
        writer.finish(extra, "interrupted");
        std::cerr << "idim: interrupted; the runs so far are saved\n";
        return kExitInterrupted;
    } catch (...) {
        writer.finish(extra, "error");
        throw;
    }
    progress.finish();

    std::vector<RunRecord> runs = writer.runs();
    extra[name] = result.d_int ? Json(*result.d_int) : Json(nullptr);
    extra["d_int"] = extra[name];
    for (const DSummary& d : summarise(runs))
        if (result.d_int && d.d == *result.d_int) extra.update(headline_json(d));
    writer.set_plot_lines(baseline, threshold, result.d_int);
    writer.finish(extra, "complete");
    print_summary(runs, result, baseline, s.search.fraction, name);
    return 0;
}

}  // namespace

Command add_dint_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand("dint", "Find d_int90: the smallest d reaching 90% of the baseline");
    auto o = std::make_shared<CommonOptions>();
    auto sub = std::make_shared<SubspaceOptions>();
    auto s = std::make_shared<DintOptions>();
    // Training accuracy is reported, not judged (--metric train measures it every epoch).
    add_subspace_options(*app, *o, *sub, TrainEval::last_epoch);
    DintConfig& c = s->search;
    app->add_option("--seeds", c.seeds, "Runs per d")->capture_default_str();
    app->add_option("--d-min", c.d_min, "Smallest d of the coarse sweep")->capture_default_str();
    app->add_option("--d-max", c.d_max, "Largest d tried (default: D)");
    app->add_option("--growth", c.growth, "Ratio between d in the coarse sweep")->capture_default_str();
    app->add_option("--precision", c.relative_precision, "Bisect until d_hi/d_lo - 1 is below this")
        ->capture_default_str();
    app->add_option("--fraction", c.fraction, "Threshold as a fraction of the baseline (1: d_int100)")
        ->capture_default_str();
    app->add_option("--baseline", s->baseline, "Fixed baseline accuracy instead of training one");
    app->add_option("--baseline-seeds", s->baseline_seeds, "Baseline runs to average")
        ->capture_default_str();
    app->add_option("--jobs", s->jobs, "Runs at once (each single-threaded)")->capture_default_str();
    add_output_options(*app, *o, true);
    return {app, [app, o, sub, s] { return run_dint(*app, *o, *sub, *s); }};
}

}  // namespace idim::cli
