// idim dint: the automatic d_int90 search, the core's DintProcedure driven by the run pool. Its
// first batch is the baseline (unless --baseline), then the search's; each batch of (d, seed)
// runs goes through the pool with the threshold as early-stop target, except the runs the search
// asks to be trained to the end, which go on from where they stopped. The pool is this process's
// threads or the ranks of an MPI job (mpi_runs.h); the journal (journal.h) keeps every finished
// run, and --resume replays the search over the runs it holds.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "idim/error.h"
#include "idim/dint_procedure.h"
#include "journal.h"
#include "mpi_runs.h"
#include "results_writer.h"
#include "run_pool.h"

namespace idim::cli {

struct DintOptions {
    DintConfig search;
    std::optional<double> baseline;
    int baseline_seeds = 1, jobs = 2;
    JournalOptions journal;
};

namespace {

// The core's toy search (toy_dint_config) for the flags the user left alone.
void toy_defaults(const CLI::App& app, DintOptions& s) {
    const DintProcedureConfig toy = toy_dint_config();
    if (!app.count("--baseline")) s.baseline = toy.baseline;
    if (!app.count("--fraction")) s.search.fraction = toy.search.fraction;
    if (!app.count("--d-min")) s.search.d_min = toy.search.d_min;
}

// The baseline: full training of the same model and data (the core's baseline_train_config).
CommonOptions baseline_options(const CommonOptions& subspace_options) {
    CommonOptions o = subspace_options;
    o.train = baseline_train_config(subspace_options.train);
    return o;
}

void print_summary(const std::vector<RunRecord>& runs, const DintProcedure& procedure,
                   const DintRange& range, const std::string& name) {
    const DintResult& result = procedure.result();
    std::cout << '\n';
    print_runs_table(std::cout, runs, result.threshold);
    std::printf("\nbaseline accuracy %.4f, threshold %.4f (%g%% of it)\n", *procedure.baseline(),
                result.threshold, procedure.config().search.fraction * 100);
    for (const DSummary& s : summarise(runs))
        if (result.d_int && s.d == *result.d_int)
            std::printf("%s = %llu   (mean %.4f, min %.4f, max %.4f over %d runs)\n", name.c_str(),
                        (unsigned long long)s.d, s.mean, s.min, s.max, s.runs);
    if (!result.d_int) std::printf("%s not found: even d = max did not reach the threshold\n", name.c_str());
    if (range.low)
        std::printf("over resampled seeds (bootstrap, 5%%-95%%): %llu to %s\n",
                    (unsigned long long)*range.low,
                    range.high ? std::to_string(*range.high).c_str() : "above every d tried");
}

Json range_json(const DintRange& range) {
    auto value = [](std::optional<uint64_t> v) { return v ? Json(*v) : Json(nullptr); };
    return Json::array({value(range.low), value(range.high)});
}

// What determines the results, for the journal: the results' head, the search's other settings,
// and the thread count of each run (a run's bits depend on it; --jobs and --threads otherwise not).
Json journal_settings(Json head, const CommonOptions& o, const DintOptions& s) {
    head["config"].erase("threads");
    head.update({{"growth", s.search.growth}, {"precision", s.search.relative_precision},
                 {"baseline", s.baseline ? Json(*s.baseline) : Json(nullptr)},
                 {"baseline_seeds", s.baseline_seeds},
                 {"baseline_threads", run_threads(o, std::min(s.jobs, s.baseline_seeds))},
                 {"run_threads", run_threads(o, s.jobs)}});
    return head;
}

int run_dint(const CLI::App& app, CommonOptions& o, SubspaceOptions& sub, DintOptions& s) {
    const std::unique_ptr<MpiJob> mpi = MpiJob::join();
    const bool mpi_worker = mpi && mpi->rank() > 0;
    if (mpi_worker) o.quiet = true;
    finalise_options(app, o);
    finalise_projection(app, o, sub);
    refuse_lora(sub, "dint");
    if (is_toy(o.data)) toy_defaults(app, s);
    // The core checks these too; here they are refused by their flags' names, before any data.
    require(s.search.fraction > 0 && s.search.fraction <= 1, "--fraction must be in (0, 1]");
    require(s.jobs >= 1 && s.baseline_seeds >= 1, "--jobs and --baseline-seeds must be at least 1");
    require(!s.baseline || (*s.baseline > 0 && *s.baseline <= 1), "--baseline must be in (0, 1]");
    require(s.search.seeds >= 1, "--seeds must be at least 1");
    Problem problem(o);
    if (!o.init_path.empty()) std::cout << start_line(o) << '\n';
    if (s.search.d_max == 0) s.search.d_max = problem.dim();
    for (uint64_t d : {s.search.d_min, s.search.d_max}) check_subspace_request(sub, problem, d);
    s.search.first_seed = o.seed;
    DintProcedure procedure({s.search, s.baseline, s.baseline_seeds});
    const CommonOptions full_options = baseline_options(o);
    if (mpi_worker) {
        mpi->serve(RunContext{problem, full_options, nullptr}, RunContext{problem, o, &sub});
        return 0;
    }
    const RunPoolFn pool = mpi && mpi->size() > 1 ? mpi->pool() : RunPoolFn(run_pool);

    const std::string name = d_int_name(s.search.fraction);
    Json head = {{"version", IDIM_VERSION}, {"config", config_json("dint", o, &sub)},
                 {"data", problem.data_description()}, {"D", problem.dim()},
                 {"projection", sub.projection}, {"fraction", s.search.fraction},
                 {"seeds", s.search.seeds}, {"d_min", s.search.d_min}, {"d_max", s.search.d_max}};
    PlotSpec plot{plot_title(o, sub), plot_subtitle(problem)};
    plot.fraction = s.search.fraction;
    plot.d_int_label = name;
    if (problem.toy()) plot.y_label = "solved (1) or not (0)";
    std::optional<Journal> journal = Journal::open(s.journal, o.json_path, journal_settings(head, o, s));
    Journal* const journal_ptr = journal ? &*journal : nullptr;
    ResultsWriter writer(head, o, plot);
    writer.set_plot_lines(std::nullopt, std::nullopt, std::nullopt);
    writer.finish({}, "baseline");

    Json baseline_runs = Json::array(), extra;
    Checkpoints stopped;   // where the runs an early stop ended stood, to train them on
    Progress progress("runs", 0, o.quiet);
    auto to_outcomes = [&](const std::vector<RunRecord>& records) {
        std::vector<RunOutcome> outcomes;
        for (const RunRecord& r : records) {
            if (r.result.checkpoint) stopped[{r.d, r.seed}] = r.result.checkpoint;
            outcomes.push_back(outcome_of(r));
        }
        return outcomes;
    };
    auto run_baseline = [&](const std::vector<RunRequest>& asked) {
        RunList list;
        for (const RunRequest& j : asked) list.push_back({0, j.seed});
        Progress bar("baseline", int64_t(list.size()), o.quiet);
        bar.note("training the baseline (all D parameters, " + std::to_string(list.size()) + " run" +
                 (list.size() > 1 ? "s" : "") + ")");
        std::vector<RunRecord> runs =
            run_journaled(pool, journal_ptr, "baseline", RunContext{problem, full_options, nullptr},
                          list, std::min<int>(s.jobs, int(list.size())), bar, {});
        bar.finish();
        for (const RunRecord& r : runs) baseline_runs.push_back(run_json(r));
        return to_outcomes(runs);
    };
    auto run_batch = [&](const std::vector<RunRequest>& asked) {
        RunList early, full;
        for (const RunRequest& j : asked)
            (j.early_stops ? early : full).push_back({j.d, j.seed});
        std::vector<RunOutcome> outcomes;
        const std::string d = "d = " + std::to_string(asked.front().d);
        if (!early.empty()) {
            progress.reset(d, int64_t(early.size()));
            const RunContext ctx{problem, o, &sub, *procedure.threshold()};
            auto done = to_outcomes(run_journaled(pool, journal_ptr, "search", ctx, early, s.jobs,
                                                  progress, [&](const RunRecord& r) { writer.add(r); }));
            outcomes.insert(outcomes.end(), done.begin(), done.end());
        }
        if (!full.empty()) {
            progress.reset(d + ", the runs that stopped early trained on to the end",
                           int64_t(full.size()));
            const RunContext ctx{problem, o, &sub, NAN, &stopped};
            auto done = to_outcomes(run_journaled(pool, journal_ptr, "trained_on", ctx, full, s.jobs,
                                                  progress, [&](const RunRecord& r) { writer.replace(r); }));
            outcomes.insert(outcomes.end(), done.begin(), done.end());
        }
        return outcomes;
    };
    auto baseline_known = [&] {
        const double baseline = *procedure.baseline(), threshold = *procedure.threshold();
        extra = {{"baseline_accuracy", baseline}, {"baseline_fixed", s.baseline.has_value()},
                 {"baseline_runs", baseline_runs}, {"threshold", threshold}, {name, nullptr},
                 {"epochs", baseline_runs.empty() ? Json::array() : baseline_runs[0]["epochs"]}};
        writer.set_plot_lines(baseline, threshold, std::nullopt);
        writer.finish(extra, "running");
    };
    try {
        if (procedure.baseline()) baseline_known();
        while (!procedure.finished()) {
            if (procedure.baseline()) {
                procedure.report(run_batch(procedure.next()));
                continue;
            }
            procedure.report(run_baseline(procedure.next()));
            baseline_known();
        }
    } catch (const Interrupted&) {
        writer.finish(extra, "interrupted");
        std::cerr << "idim: interrupted; the runs so far are saved\n";
        return kExitInterrupted;
    } catch (...) {
        writer.finish(extra, "error");
        throw;
    }
    progress.finish();

    const DintResult& result = procedure.result();
    std::vector<RunRecord> runs = writer.runs();
    const DintRange range = bootstrap_range(result.runs, result.threshold);
    extra[name] = result.d_int ? Json(*result.d_int) : Json(nullptr);
    extra["d_int"] = extra[name];
    extra["d_int_range"] = range_json(range);
    for (const DSummary& d : summarise(runs))
        if (result.d_int && d.d == *result.d_int) extra.update(headline_json(d));
    writer.set_plot_lines(*procedure.baseline(), result.threshold, result.d_int);
    writer.finish(extra, "complete");
    print_summary(runs, procedure, range, name);
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
    add_journal_options(*app, s->journal);
    return {app, [app, o, sub, s] { return run_dint(*app, *o, *sub, *s); }};
}

}  // namespace idim::cli
