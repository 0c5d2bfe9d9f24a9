// idim dint: the automatic d_int90 search, the core's DintProcedure driven by the run pool, done
// --searches times independently (independent_searches.h): each search trains its own baseline
// (unless --baseline) and its own runs with seeds no other search uses, and the answer is the
// median of the searches' d_int90 with their range. Each batch of (d, seed) runs goes through the
// pool with the search's threshold as early-stop target, except the runs a search asks to be
// trained to the end, which go on from where they stopped. The pool is this process's threads or
// the ranks of an MPI job (mpi_runs.h); the journal (journal.h) keeps every finished run, and
// --resume replays the searches over the runs it holds.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "idim/dint_procedure.h"
#include "idim/error.h"
#include "idim/independent_searches.h"
#include "journal.h"
#include "search_command.h"

namespace idim::cli {

struct DintOptions {
    DintConfig search;
    std::optional<double> baseline;
    int baseline_seeds = 1, jobs = 2, searches = default_searches;
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

Json d_json(std::optional<uint64_t> d) { return d ? Json(*d) : Json(nullptr); }

// One search, from its baseline to its answer, its runs added to the shared results as they end.
class OneSearch {
public:
    OneSearch(const DintProcedureConfig& config, const Problem& problem, const CommonOptions& o,
              const CommonOptions& full, const SubspaceOptions& sub, const DintOptions& s,
              const RunPoolFn& pool, Journal* journal, ResultsWriter& writer, Progress& progress)
        : procedure_(config), problem_(problem), o_(o), full_(full), sub_(sub), s_(s), pool_(pool),
          journal_(journal), writer_(writer), progress_(progress) {}

    // Runs the search to its end; `on_baseline` once its baseline is known.
    void run(const std::function<void()>& on_baseline) {
        if (procedure_.baseline()) on_baseline();
        while (!procedure_.finished()) {
            if (procedure_.baseline()) {
                procedure_.report(run_batch(procedure_.next()));
                continue;
            }
            procedure_.report(run_baseline(procedure_.next()));
            on_baseline();
        }
    }
    const DintProcedure& procedure() const { return procedure_; }
    const Json& baseline_runs() const { return baseline_runs_; }

    Json summary() const {
        const Json baseline = procedure_.baseline() ? Json(*procedure_.baseline()) : Json(nullptr);
        const Json threshold = procedure_.threshold() ? Json(*procedure_.threshold()) : Json(nullptr);
        return {{d_int_name(s_.search.fraction), d_json(procedure_.result().d_int)},
                {"first_seed", procedure_.config().search.first_seed},
                {"baseline_accuracy", baseline}, {"threshold", threshold},
                {"baseline_runs", baseline_runs_}};
    }

private:
    DintProcedure procedure_;
    const Problem& problem_;
    const CommonOptions &o_, &full_;
    const SubspaceOptions& sub_;
    const DintOptions& s_;
    const RunPoolFn& pool_;
    Journal* journal_;
    ResultsWriter& writer_;
    Progress& progress_;
    Json baseline_runs_ = Json::array();
    Checkpoints stopped_;   // where the runs an early stop ended stood, to train them on

    std::vector<RunOutcome> outcomes(const std::vector<RunRecord>& records) {
        std::vector<RunOutcome> out;
        for (const RunRecord& r : records) {
            if (r.result.checkpoint) stopped_[{r.d, r.seed}] = r.result.checkpoint;
            out.push_back(outcome_of(r));
        }
        return out;
    }

    std::vector<RunOutcome> run_baseline(const std::vector<RunRequest>& asked) {
        RunList list;
        for (const RunRequest& j : asked) list.push_back({0, j.seed});
        Progress bar("baseline", int64_t(list.size()), o_.quiet);
        bar.note("training the baseline (all D parameters, " + std::to_string(list.size()) + " run" +
                 (list.size() > 1 ? "s" : "") + ")");
        std::vector<RunRecord> runs =
            run_journaled(pool_, journal_, "baseline", RunContext{problem_, full_, nullptr}, list,
                          std::min<int>(s_.jobs, int(list.size())), bar, {});
        bar.finish();
        for (const RunRecord& r : runs) baseline_runs_.push_back(run_json(r));
        return outcomes(runs);
    }

    std::vector<RunOutcome> run_batch(const std::vector<RunRequest>& asked) {
        RunList early, full;
        for (const RunRequest& j : asked) (j.early_stops ? early : full).push_back({j.d, j.seed});
        std::vector<RunOutcome> out;
        const std::string d = "d = " + std::to_string(asked.front().d);
        if (!early.empty()) {
            progress_.reset(d, int64_t(early.size()));
            const RunContext ctx{problem_, o_, &sub_, *procedure_.threshold()};
            auto done = outcomes(run_journaled(pool_, journal_, "search", ctx, early, s_.jobs, progress_,
                                               [&](const RunRecord& r) { writer_.add(r); }));
            out.insert(out.end(), done.begin(), done.end());
        }
        if (!full.empty()) {
            progress_.reset(d + ", the runs that stopped early trained on to the end",
                            int64_t(full.size()));
            const RunContext ctx{problem_, o_, &sub_, NAN, &stopped_};
            auto done = outcomes(run_journaled(pool_, journal_, "trained_on", ctx, full, s_.jobs,
                                               progress_, [&](const RunRecord& r) { writer_.replace(r); }));
            out.insert(out.end(), done.begin(), done.end());
        }
        return out;
    }
};

double mean_of(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return v.empty() ? NAN : sum / double(v.size());
}

std::string d_text(std::optional<uint64_t> d) {
    return d ? std::to_string(*d) : "none (above d max)";
}

void print_summary(const std::vector<RunRecord>& runs, const std::vector<OneSearch>& searches,
                   const DintSpread& spread, double threshold, const std::string& name) {
    std::cout << '\n';
    print_runs_table(std::cout, runs, threshold);
    std::cout << '\n';
    for (size_t k = 0; k < searches.size(); ++k) {
        const DintProcedure& p = searches[k].procedure();
        std::printf("search %zu (seeds from %llu): baseline %.4f, threshold %.4f, %s = %s\n", k + 1,
                    (unsigned long long)p.config().search.first_seed, *p.baseline(), *p.threshold(),
                    name.c_str(), d_text(p.result().d_int).c_str());
    }
    if (!spread.median) {
        std::printf("%s not found: the median search reached the threshold at no d up to d max\n",
                    name.c_str());
        return;
    }
    std::printf("%s = %llu", name.c_str(), (unsigned long long)*spread.median);
    if (searches.size() > 1)
        std::printf("   (median of %zu independent searches; range %s to %s)", searches.size(),
                    d_text(spread.low).c_str(), d_text(spread.high).c_str());
    std::printf("\n");
}

int run_dint(const CLI::App& app, CommonOptions& o, SubspaceOptions& sub, DintOptions& s) {
    SearchCommand command(app, o, sub, "dint");
    if (is_toy(o.data)) toy_defaults(app, s);
    // The core checks these too; here they are refused by their flags' names, before any data.
    require(s.search.fraction > 0 && s.search.fraction <= 1, "--fraction must be in (0, 1]");
    require(s.jobs >= 1 && s.baseline_seeds >= 1, "--jobs and --baseline-seeds must be at least 1");
    require(!s.baseline || (*s.baseline > 0 && *s.baseline <= 1), "--baseline must be in (0, 1]");
    require(s.search.seeds >= 1, "--seeds must be at least 1");
    require(s.searches >= 1, "--searches must be at least 1, got " + std::to_string(s.searches));
    Problem problem(o);
    if (!o.init_path.empty()) std::cout << start_line(o) << '\n';
    if (s.search.d_max == 0) s.search.d_max = problem.dim();
    for (uint64_t d : {s.search.d_min, s.search.d_max}) check_subspace_request(sub, problem, d);
    s.search.first_seed = o.seed;
    const DintProcedureConfig config{s.search, s.baseline, s.baseline_seeds};
    DintProcedure{config};   // refuses impossible settings before any run
    const CommonOptions full_options = baseline_options(o);
    if (command.worker()) {
        command.serve(RunContext{problem, full_options, nullptr}, RunContext{problem, o, &sub});
        return 0;
    }

    const std::string name = d_int_name(s.search.fraction);
    Json head = command.head(problem);
    head.update({{"fraction", s.search.fraction}, {"seeds", s.search.seeds},
                 {"searches", s.searches}, {"d_min", s.search.d_min}, {"d_max", s.search.d_max}});
    Json settings = command.journal_settings(head, s.jobs);
    settings.update({{"growth", s.search.growth}, {"precision", s.search.relative_precision},
                     {"baseline", s.baseline ? Json(*s.baseline) : Json(nullptr)},
                     {"baseline_seeds", s.baseline_seeds},
                     {"baseline_threads", run_threads(o, std::min(s.jobs, s.baseline_seeds))}});
    std::optional<Journal> journal = Journal::open(s.journal, o.json_path, settings);
    ResultsWriter writer(head, o, command.plot(problem, s.search.fraction));
    writer.set_plot_lines(std::nullopt, std::nullopt, std::nullopt);
    writer.finish({}, "baseline");

    Progress progress("runs", 0, o.quiet);
    std::vector<OneSearch> searches;
    for (int k = 0; k < s.searches; ++k)
        searches.emplace_back(independent_search(config, k), problem, o, full_options, sub, s,
                              command.pool(), journal ? &*journal : nullptr, writer, progress);
    // The final fields known so far: every search's own, their thresholds' mean on the plot.
    auto extra = [&] {
        Json each = Json::array();
        std::vector<double> thresholds, baselines;
        for (const OneSearch& search : searches) {
            each.push_back(search.summary());
            if (search.procedure().threshold()) {
                thresholds.push_back(*search.procedure().threshold());
                baselines.push_back(*search.procedure().baseline());
            }
        }
        Json fields = {{"searches", each}, {name, nullptr}};
        if (!thresholds.empty())
            fields.update({{"baseline_accuracy", mean_of(baselines)}, {"threshold", mean_of(thresholds)},
                           {"baseline_fixed", s.baseline.has_value()},
                           {"baseline_runs", searches.front().baseline_runs()}});
        return fields;
    };
    return command.run_keeping_results(writer, extra, [&] {
        for (OneSearch& search : searches)
            search.run([&] {
                const Json fields = extra();
                writer.set_plot_lines(fields["baseline_accuracy"].get<double>(),
                                      fields["threshold"].get<double>(), std::nullopt);
                writer.finish(fields, "running");
            });
        progress.finish();
        std::vector<std::optional<uint64_t>> answers;
        for (const OneSearch& search : searches) answers.push_back(search.procedure().result().d_int);
        const DintSpread spread = dint_spread(answers);
        Json fields = extra();
        fields[name] = d_json(spread.median);
        fields["d_int"] = fields[name];
        fields[name + "_searches"] = Json::array();
        for (std::optional<uint64_t> d : spread.searches) fields[name + "_searches"].push_back(d_json(d));
        fields[name + "_range"] = Json::array({d_json(spread.low), d_json(spread.high)});
        std::vector<RunRecord> runs = writer.runs();
        for (const DSummary& d : summarise(runs))
            if (spread.median && d.d == *spread.median) fields.update(headline_json(d));
        const double threshold = fields["threshold"].get<double>();
        writer.set_plot_lines(fields["baseline_accuracy"].get<double>(), threshold, spread.median);
        writer.finish(fields, "complete");
        print_summary(runs, searches, spread, threshold, name);
        return 0;
    });
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
    app->add_option("--searches", s->searches,
                    "Independent searches (own baseline and seeds each); the answer is their median, "
                    "reported with their range. One search's d_int90 moves by about 10% between "
                    "seed sets (docs/method.md), so a single search cannot tell such differences apart")
        ->capture_default_str();
    app->add_option("--seeds", c.seeds, "Runs per d")->capture_default_str();
    app->add_option("--d-min", c.d_min, "Smallest d of the coarse sweep")->capture_default_str();
    app->add_option("--d-max", c.d_max, "Largest d tried (default: D)");
    app->add_option("--growth", c.growth, "Ratio between d in the coarse sweep")->capture_default_str();
    app->add_option("--precision", c.relative_precision, "Bisect until d_hi/d_lo - 1 is below this")
        ->capture_default_str();
    app->add_option("--fraction", c.fraction, "Threshold as a fraction of the baseline (1: d_int100)")
        ->capture_default_str();
    app->add_option("--baseline", s->baseline, "Fixed baseline accuracy instead of training one");
    app->add_option("--baseline-seeds", s->baseline_seeds, "Baseline runs to average (per search)")
        ->capture_default_str();
    app->add_option("--jobs", s->jobs, "Runs at once (each single-threaded)")->capture_default_str();
    add_output_options(*app, *o, true);
    add_journal_options(*app, s->journal);
    return {app, [app, o, sub, s] { return run_dint(*app, *o, *sub, *s); }};
}

}  // namespace idim::cli
