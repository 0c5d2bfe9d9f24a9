// See journal.h. Lines are appended with one write(2) each and fsync'ed; the file is read back
// whole on --resume (a run is a few kB, a search tens to thousands of runs).
#include "journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "idim/error.h"

namespace idim::cli {
namespace {

constexpr int kJournalFormat = 1;

Json exact(double x) {
    if (std::isfinite(x)) return x;   // nlohmann-json writes the shortest string that reads back
    return std::isnan(x) ? "nan" : x > 0 ? "inf" : "-inf";
}

double exact_of(const Json& j) {
    if (j.is_number()) return j.get<double>();
    const std::string s = j.get<std::string>();
    if (s == "nan") return std::nan("");
    require(s == "inf" || s == "-inf", "'" + s + "' is not a number");
    return s == "inf" ? INFINITY : -INFINITY;
}

StopReason parse_stop(const std::string& name) {
    for (StopReason r : {StopReason::completed, StopReason::reached_target,
                         StopReason::cannot_reach_target, StopReason::diverged, StopReason::cancelled})
        if (to_string(r) == name) return r;
    throw Error("unknown stop reason '" + name + "'");
}

// Appends text to the file and waits until it is on disk.
void append_synced(const std::string& path, const std::string& text, bool truncate) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND),
                          0644);
    require(fd >= 0, "cannot write the journal '" + path + "': " + std::strerror(errno));
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            throw Error("writing the journal '" + path + "' failed: " + std::strerror(err));
        }
        done += size_t(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    require(synced, "fsync of the journal '" + path + "' failed: " + std::strerror(err));
}

std::string brief(const Json& j) {
    std::string s = j.is_null() ? "nothing" : j.dump();
    return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

}  // namespace

void add_journal_options(CLI::App& app, JournalOptions& j) {
    app.add_option("--journal", j.path,
                   "Append every finished run here, fsync'ed (default: <--json>.journal)");
    app.add_flag("--resume", j.resume,
                 "Continue from the journal: its runs are read back, not trained again");
}

Json encode_run(const RunRecord& r) {
    const TrainResult& t = r.result;
    Json epochs = Json::array();
    for (size_t i = 0; i < t.epochs.size(); ++i) {
        if (!curve_keeps(t, i)) continue;
        const EpochRecord& e = t.epochs[i];
        epochs.push_back({e.epoch, exact(e.train_loss), exact(e.train_accuracy),
                          exact(e.test_loss), exact(e.test_accuracy), exact(e.seconds)});
    }
    Json j = {{"d", r.d}, {"seed", r.seed}, {"projection", r.projection},
              {"score", exact(r.score)}, {"stop", to_string(t.stop)},
              {"stopped_early", r.stopped_early},
              {"test_accuracy", exact(t.test_accuracy)}, {"train_accuracy", exact(t.train_accuracy)},
              {"test_loss", exact(t.test_loss)}, {"seconds", exact(t.seconds)}, {"steps", t.steps},
              {"epochs", epochs}};
    if (!r.trained_past.empty()) j["trained_past"] = r.trained_past;
    return j;
}

RunRecord decode_run(const Json& j) {
    try {
        RunRecord r;
        r.d = j.at("d").get<uint64_t>();
        r.seed = j.at("seed").get<uint64_t>();
        r.projection = j.at("projection").get<std::string>();
        r.score = exact_of(j.at("score"));
        r.stopped_early = j.at("stopped_early").get<bool>();
        if (j.contains("trained_past")) r.trained_past = j["trained_past"].get<std::string>();
        TrainResult& t = r.result;
        t.stop = parse_stop(j.at("stop").get<std::string>());
        t.test_accuracy = exact_of(j.at("test_accuracy"));
        t.train_accuracy = exact_of(j.at("train_accuracy"));
        t.test_loss = exact_of(j.at("test_loss"));
        t.seconds = exact_of(j.at("seconds"));
        t.steps = j.at("steps").get<int64_t>();
        for (const Json& e : j.at("epochs"))
            t.epochs.push_back({e.at(0).get<int>(), exact_of(e.at(1)), exact_of(e.at(2)),
                                exact_of(e.at(3)), exact_of(e.at(4)), exact_of(e.at(5))});
        return r;
    } catch (const Json::exception& e) {
        throw Error(std::string("a run record is malformed: ") + e.what());
    }
}

std::string first_difference(const Json& journal, const Json& now, const std::string& where) {
    if (journal.is_object() && now.is_object()) {
        for (auto it = journal.begin(); it != journal.end(); ++it) {
            const std::string key = where.empty() ? it.key() : where + "." + it.key();
            std::string diff = first_difference(*it, now.contains(it.key()) ? now[it.key()] : Json(),
                                                key);
            if (!diff.empty()) return diff;
        }
        for (auto it = now.begin(); it != now.end(); ++it)
            if (!journal.contains(it.key()))
                return first_difference(Json(), *it, where.empty() ? it.key() : where + "." + it.key());
        return "";
    }
    if (journal == now) return "";
    return (where.empty() ? std::string("the settings") : where) + ": the journal has " +
           brief(journal) + ", this command " + brief(now);
}

std::optional<Journal> Journal::open(const JournalOptions& options, const std::string& json_path,
                                     const Json& settings) {
    Journal journal;
    journal.path_ = !options.path.empty() ? options.path
                    : !json_path.empty()  ? json_path + ".journal"
                                          : std::string();
    if (journal.path_.empty()) {
        require(!options.resume, "--resume needs a journal: give --json (its journal is "
                                 "<json>.journal) or --journal PATH");
        return std::nullopt;
    }
    if (options.resume) {
        journal.read_back(settings);
    } else {
        std::filesystem::path p(journal.path_);
        std::error_code ec;   // a failure shows when the file is opened, with the reason
        if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
        Json head = {{"idim_journal", kJournalFormat}, {"settings", settings}};
        append_synced(journal.path_, head.dump() + "\n", true);
    }
    return journal;
}

void Journal::read_back(const Json& settings) {
    std::ifstream in(path_, std::ios::binary);
    require(bool(in), "cannot resume: no journal at '" + path_ + "' (" + std::strerror(errno) + ")");
    std::stringstream text;
    text << in.rdbuf();
    const std::string all = text.str();
    // Only lines ended by '\n' were written whole; a crash mid-write leaves at most one other.
    const size_t complete = all.rfind('\n') == std::string::npos ? 0 : all.rfind('\n') + 1;
    if (complete == 0) {   // not even the settings line made it: start afresh
        append_synced(path_, Json({{"idim_journal", kJournalFormat}, {"settings", settings}}).dump() + "\n",
                      true);
        return;
    }
    std::istringstream lines(all.substr(0, complete));
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        const std::string where = "the journal '" + path_ + "', line " + std::to_string(number);
        const Json j = Json::parse(line, nullptr, false);
        require(!j.is_discarded() && j.is_object(), where + ": not a JSON object");
        if (number == 1) {
            require(j.value("idim_journal", 0) == kJournalFormat && j.contains("settings"),
                    where + ": not an idim journal");
            // The version and the configuration first: they explain the differences they cause
            // (another model changes D).
            std::string diff;
            for (const char* key : {"version", "config"})
                if (diff.empty())
                    diff = first_difference(j["settings"].value(key, Json()), settings.value(key, Json()), key);
            if (diff.empty()) diff = first_difference(j["settings"], settings);
            require(diff.empty(), "cannot resume: '" + path_ + "' was written with other settings: " +
                                      diff);
            continue;
        }
        try {
            RunRecord r = decode_run(j.at("run"));
            runs_[{j.at("phase").get<std::string>(), r.d, r.seed}] = std::move(r);
        } catch (const std::exception& e) {
            throw Error(where + ": " + e.what());
        }
    }
    if (complete < all.size()) std::filesystem::resize_file(path_, complete);
}

const RunRecord* Journal::find(const std::string& phase, uint64_t d, uint64_t seed) const {
    auto it = runs_.find({phase, d, seed});
    return it == runs_.end() ? nullptr : &it->second;
}

void Journal::append(const std::string& phase, const RunRecord& r) {
    Json line = {{"phase", phase}, {"run", encode_run(r)}};
    append_synced(path_, line.dump() + "\n", false);
    runs_[{phase, r.d, r.seed}] = r;
}

std::vector<RunRecord> run_journaled(const RunPoolFn& pool, Journal* journal, const std::string& phase,
                                     const RunContext& ctx, const RunList& runs, int jobs,
                                     Progress& progress, const RunOnDone& on_done) {
    std::vector<RunRecord> records(runs.size());
    RunList to_train;
    std::vector<size_t> trained_at;   // where each run of to_train goes in records
    for (size_t i = 0; i < runs.size(); ++i) {
        const RunRecord* known = journal ? journal->find(phase, runs[i].first, runs[i].second) : nullptr;
        if (!known) {
            to_train.push_back(runs[i]);
            trained_at.push_back(i);
            continue;
        }
        records[i] = *known;
        progress.note((runs[i].first ? "d = " + std::to_string(runs[i].first) : std::string("full training")) +
                      "  seed " + std::to_string(runs[i].second) + "  read back from the journal");
        if (on_done) on_done(records[i]);
    }
    if (to_train.empty()) return records;
    std::vector<RunRecord> trained = pool(ctx, to_train, jobs, progress, [&](const RunRecord& r) {
        if (journal && r.result.stop != StopReason::cancelled) journal->append(phase, r);
        if (on_done) on_done(r);
    });
    for (size_t k = 0; k < trained.size(); ++k) records[trained_at[k]] = std::move(trained[k]);
    return records;
}

}  // namespace idim::cli
