// See results_writer.h. The document is rebuilt from all runs each time: a few kB per run, far
// below the cost of the run itself.
#include "results_writer.h"

#include <algorithm>
#include <cstdio>

namespace idim::cli {

ResultsWriter::ResultsWriter(Json head, const CommonOptions& o, PlotSpec plot)
    : head_(std::move(head)), json_path_(o.json_path), csv_path_(o.csv_path), svg_path_(o.svg_path),
      plot_(std::move(plot)) {
    if (!json_path_.empty()) {
        if (csv_path_.empty()) csv_path_ = beside(json_path_, ".csv");
        if (svg_path_.empty()) svg_path_ = beside(json_path_, ".svg");
    }
}

void ResultsWriter::add(const RunRecord& run) {
    std::lock_guard lock(mutex_);
    plot_.runs.push_back(run);
    write({}, "running");
}

void ResultsWriter::replace(RunRecord run) {
    std::lock_guard lock(mutex_);
    auto same = std::find_if(plot_.runs.begin(), plot_.runs.end(), [&](const RunRecord& r) {
        return r.d == run.d && r.seed == run.seed;
    });
    if (same == plot_.runs.end()) {
        plot_.runs.push_back(run);
    } else {
        char earlier[96];
        std::snprintf(earlier, sizeof earlier, "%s after %zu epochs at %.4f",
                      to_string(same->result.stop).c_str(), epochs_run(same->result),
                      same->score);
        run.trained_past = earlier;
        *same = std::move(run);
    }
    write({}, "running");
}

void ResultsWriter::set_plot_lines(std::optional<double> baseline, std::optional<double> threshold,
                                   std::optional<uint64_t> d_int) {
    std::lock_guard lock(mutex_);
    plot_.baseline = baseline;
    plot_.threshold = threshold;
    plot_.d_int = d_int;
}

void ResultsWriter::finish(const Json& extra, const std::string& status) {
    std::lock_guard lock(mutex_);
    write(extra, status);
}

std::vector<RunRecord> ResultsWriter::runs() const {
    std::lock_guard lock(mutex_);
    return plot_.runs;
}

void ResultsWriter::write(const Json& extra, const std::string& status) {
    if (!json_path_.empty()) {
        Json doc = head_;
        doc["status"] = status;
        Json runs = Json::array();
        for (const RunRecord& r : plot_.runs) runs.push_back(run_json(r));
        doc["summary"] = summary_json(summarise(plot_.runs));
        if (extra.is_object()) doc.update(extra);
        doc["runs"] = runs;
        write_json(json_path_, doc);
    }
    if (!csv_path_.empty()) write_runs_csv(csv_path_, plot_.runs);
    if (!svg_path_.empty()) write_file_atomically(svg_path_, plot_svg(plot_));
}

}  // namespace idim::cli
