// idim sweep: subspace runs over a list of d (K seeds each), run concurrently on --jobs threads,
// saved after every run and journaled (--resume trains only the runs the journal lacks), or spread
// over the ranks of an MPI job. With --baseline, reads d_int off the grid as the original does.
#include <algorithm>
#include <iostream>
#include <memory>

#include "commands.h"
#include "idim/dint_procedure.h"
#include "idim/error.h"
#include "idim/dint_search.h"
#include "journal.h"
#include "search_command.h"

namespace idim::cli {

struct SweepOptions {
    std::vector<int64_t> dims;
    int seeds = 1, jobs = 2;
    std::optional<double> baseline;
    double fraction = 0.9;
    JournalOptions journal;
};

namespace {

int run_sweep(const CLI::App& app, CommonOptions& o, SubspaceOptions& sub,
              const SweepOptions& s) {
    SearchCommand command(app, o, sub, "sweep");
    require(!s.dims.empty(), "--d needs at least one dimension");
    require(s.seeds >= 1 && s.jobs >= 1, "--seeds and --jobs must be at least 1");
    require(s.fraction > 0 && s.fraction <= 1, "--fraction must be in (0, 1]");
    for (int64_t d : s.dims) require(d >= 1, "d must be at least 1, got " + std::to_string(d));
    Problem problem(o);
    for (int64_t d : s.dims)
        check_subspace_request(sub, problem, uint64_t(d));
    const RunContext ctx{problem, o, &sub};
    if (command.worker()) {
        command.serve(ctx, ctx);
        return 0;
    }

    RunList list;
    for (int64_t d : s.dims)
        for (int k = 0; k < s.seeds; ++k) list.push_back({uint64_t(d), o.seed + k});
    std::optional<double> threshold;
    if (s.baseline) threshold = s.fraction * *s.baseline;
    Json head = command.head(problem);
    head.update({{"d", s.dims}, {"seeds", s.seeds}});
    const int jobs = std::min<int>(s.jobs, int(list.size()));
    std::optional<Journal> journal = Journal::open(s.journal, o.json_path, command.journal_settings(head, jobs));
    ResultsWriter writer(head, o, command.plot(problem, s.fraction));
    writer.set_plot_lines(s.baseline, threshold, std::nullopt);
    if (!o.init_path.empty()) std::cout << start_line(o) << '\n';
    Progress progress("sweep", int64_t(list.size()), o.quiet);
    // Ctrl-C ends the sweep like its last run: its results are written with what finished.
    bool complete = true;
    auto finish = [&] {
        progress.finish();
        std::vector<RunRecord> runs = writer.runs();
        std::vector<DSummary> summary = summarise(runs);
        Json extra = summary.empty() ? Json::object() : headline_json(summary.back());
        if (threshold) {
            std::vector<RunOutcome> outcomes;
            for (const RunRecord& r : runs) outcomes.push_back(outcome_of(r));
            std::optional<uint64_t> d_int = first_passing_d(outcomes, *threshold);
            extra.update({{d_int_name(s.fraction), d_int ? Json(*d_int) : Json(nullptr)},
                          {"threshold", *threshold}, {"baseline_accuracy", *s.baseline},
                          {"fraction", s.fraction}});
            writer.set_plot_lines(s.baseline, threshold, d_int);
        }
        writer.finish(extra, complete ? "complete" : "interrupted");
        print_runs_table(std::cout, runs, threshold);
        if (!complete) std::cerr << "idim: interrupted; the runs so far are saved\n";
        return complete ? 0 : kExitInterrupted;
    };
    return command.run_keeping_results(writer, [] { return Json::object(); }, [&] {
        try {
            run_journaled(command.pool(), journal ? &*journal : nullptr, "sweep", ctx, list, jobs,
                          progress, [&](const RunRecord& r) { writer.add(r); });
        } catch (const Interrupted&) {
            complete = false;
        }
        return finish();
    });
}

}  // namespace

Command add_sweep_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand("sweep", "Subspace runs over a list of d, K seeds each");
    auto o = std::make_shared<CommonOptions>();
    auto sub = std::make_shared<SubspaceOptions>();
    auto s = std::make_shared<SweepOptions>();
    // Training accuracy is reported, not judged (--metric train measures it every epoch).
    add_subspace_options(*app, *o, *sub, TrainEval::last_epoch);
    app->add_option("--d", s->dims, "Subspace dimensions, comma separated")->delimiter(',')->required();
    app->add_option("--seeds", s->seeds, "Runs per d (seeds seed, seed+1, ...)")->capture_default_str();
    app->add_option("--jobs", s->jobs, "Runs at once (each single-threaded)")->capture_default_str();
    app->add_option("--baseline", s->baseline, "Baseline accuracy: marks the threshold and d_int");
    app->add_option("--fraction", s->fraction, "Threshold as a fraction of the baseline")
        ->capture_default_str();
    add_output_options(*app, *o, true);
    add_journal_options(*app, s->journal);
    return {app, [app, o, sub, s] { return run_sweep(*app, *o, *sub, *s); }};
}

}  // namespace idim::cli
