// The results of a sweep or search, saved after every finished run (JSON, and CSV + SVG beside
// it), so an error or Ctrl-C part-way never loses what was computed.
#pragma once
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "report.h"

namespace idim::cli {

class ResultsWriter {
public:
    // head: version, config, D, ... (the fields known before any run).
    ResultsWriter(Json head, const CommonOptions& o, PlotSpec plot);
    void add(const RunRecord& run);                  // thread-safe; rewrites the files
    // The same for a run trained on to its last epoch: it takes the place of the earlier record
    // of its (d, seed), whose early stop it names in trained_past.
    void replace(RunRecord run);
    // Final fields (d_int90, threshold, ...) and status: "complete", "interrupted" or "error".
    void finish(const Json& extra, const std::string& status);
    void set_plot_lines(std::optional<double> baseline, std::optional<double> threshold,
                        std::optional<uint64_t> d_int);
    std::vector<RunRecord> runs() const;

private:
    mutable std::mutex mutex_;
    Json head_;
    std::string json_path_, csv_path_, svg_path_;
    PlotSpec plot_;   // plot_.runs holds every run so far
    void write(const Json& extra, const std::string& status);
};

}  // namespace idim::cli
