// The journal of a sweep or search: one JSON line per finished run, written and fsync'ed before
// the run counts as done, after a first line with the settings that determine the results. With
// --resume the same command reads it back and trains only the runs it lacks, so a crash (kill -9,
// out of memory, a cluster's time limit) costs at most the runs that were in flight. The same
// encoding of a run carries finished runs between MPI ranks (mpi_runs.cpp).
#pragma once
#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "report.h"
#include "run_pool.h"

namespace idim::cli {

struct JournalOptions {
    std::string path;      // --journal; default: beside --json ("<json>.journal")
    bool resume = false;   // --resume
};
void add_journal_options(CLI::App& app, JournalOptions& j);

// A run as one JSON object, exact: every double as written (shortest round trip), NaN and
// infinities as strings, the per-epoch curve thinned as the results thin it (report.h).
Json encode_run(const RunRecord& r);
RunRecord decode_run(const Json& j);   // throws idim::Error for a malformed object

class Journal {
public:
    // The journal these options ask for beside `json_path`, or none (no --json, no --journal).
    // Fresh: creates the file with `settings` as its first line. --resume: reads it back, refuses
    // (idim::Error) a journal whose settings differ, naming the first difference, and drops a
    // last line cut off mid-way (the crash case).
    static std::optional<Journal> open(const JournalOptions& options, const std::string& json_path,
                                       const Json& settings);

    // The finished run of this phase and (d, seed), if the journal holds one.
    const RunRecord* find(const std::string& phase, uint64_t d, uint64_t seed) const;
    // Appends the run; returns once it is on disk (fsync). Not thread-safe: the run pool calls
    // its on_done serialised.
    void append(const std::string& phase, const RunRecord& r);
    const std::string& path() const { return path_; }
    size_t size() const { return runs_.size(); }   // runs read back plus runs appended

private:
    std::string path_;
    std::map<std::tuple<std::string, uint64_t, uint64_t>, RunRecord> runs_;
    void read_back(const Json& settings);
};

// Trains a list of runs through `pool`, except those the journal (if any) holds under `phase`,
// which are read back and handed to on_done first. A trained run is appended to the journal
// before on_done sees it; a cancelled one (Ctrl-C) is not, since it did not finish. Returns the
// records in the order of `runs`, as run_pool does.
std::vector<RunRecord> run_journaled(const RunPoolFn& pool, Journal* journal, const std::string& phase,
                                     const RunContext& ctx, const RunList& runs, int jobs,
                                     Progress& progress, const RunOnDone& on_done);

// "config.train.epochs: the journal has 3, this command 5" (empty when equal).
std::string first_difference(const Json& journal, const Json& now, const std::string& where = "");

}  // namespace idim::cli
