#include "search_command.h"

#include <iostream>

#include "commands.h"

namespace idim::cli {

SearchCommand::SearchCommand(const CLI::App& app, CommonOptions& o, SubspaceOptions& sub,
                             const std::string& command)
    : o_(o), sub_(sub), command_(command), mpi_(MpiJob::join()) {
    if (worker()) o.quiet = true;
    finalise_options(app, o);
    finalise_projection(app, o, sub);
    refuse_lora(sub, command);
    pool_ = mpi_ && mpi_->size() > 1 ? mpi_->pool() : RunPoolFn(run_pool);
}

Json SearchCommand::head(const Problem& problem) const {
    Json head = results_head(config_json(command_, o_, &sub_), &problem);
    head["projection"] = sub_.projection;
    return head;
}

PlotSpec SearchCommand::plot(const Problem& problem, double fraction) const {
    PlotSpec plot{plot_title(o_, sub_), plot_subtitle(problem)};
    plot.fraction = fraction;
    plot.d_int_label = d_int_name(fraction);
    if (problem.toy()) plot.y_label = "solved (1) or not (0)";
    return plot;
}

Json SearchCommand::journal_settings(Json head, int jobs) const {
    head["config"].erase("threads");
    head["run_threads"] = run_threads(o_, jobs);
    return head;
}

int SearchCommand::run_keeping_results(ResultsWriter& writer, const std::function<Json()>& extra,
                                       const std::function<int()>& body) const {
    try {
        return body();
    } catch (const Interrupted&) {
        writer.finish(extra(), "interrupted");
        std::cerr << "idim: interrupted; the runs so far are saved\n";
        return kExitInterrupted;
    } catch (...) {
        writer.finish(extra(), "error");
        throw;
    }
}

}  // namespace idim::cli
