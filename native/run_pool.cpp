// A small work queue over std::thread for independent runs (see run_pool.h).
#include "run_pool.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>

#include "report.h"

namespace idim::cli {

int run_threads(const CommonOptions& o, int jobs) { return jobs == 1 ? o.threads : 1; }

std::string run_summary_line(const RunRecord& r) {
    const TrainResult& t = r.result;
    char buf[200];
    std::string acc = t.diverged() ? std::string("diverged") : [&] {
        char a[48];
        std::snprintf(a, sizeof a, "test acc %.4f", t.test_accuracy);
        return std::string(a);
    }();
    std::string which = r.d ? "d = " + std::to_string(r.d) : std::string("full training");
    std::snprintf(buf, sizeof buf, "%-14s seed %-3llu %s  (%s after %zu epochs, %s)",
                  which.c_str(), (unsigned long long)r.seed, acc.c_str(),
                  to_string(t.stop).c_str(), epochs_run(t), format_duration(t.seconds).c_str());
    return buf;
}

std::vector<RunRecord> run_pool(const RunContext& ctx, const RunList& runs, int jobs,
                                Progress& progress,
                                const std::function<void(const RunRecord&)>& on_done) {
    std::vector<RunRecord> records(runs.size());
    int n_threads = std::max(1, std::min<int>(jobs, int(runs.size())));
    Backend& be = backend_by_name(ctx.options.backend);
    std::atomic<size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex done_mutex;
    std::exception_ptr error;
    size_t n_done = 0;

    auto worker = [&] {
        // In this thread: OpenMP would otherwise give each run's parallel loops every core,
        // and two runs at once would fight over them (4 threads spinning on 2 cores). Set by
        // jobs, not by how many runs this call has: a run's sums (and so its bits) depend on its
        // thread count, and dint trains some runs on in calls of their own.
        be.set_threads(run_threads(ctx.options, jobs));
        for (size_t i; !stop && !interrupted() && (i = next++) < runs.size();) {
            try {
                records[i] = run_one(ctx, runs[i].first, runs[i].second, &progress, RunDetail::none);
                std::lock_guard lock(done_mutex);
                ++n_done;
                progress.note(run_summary_line(records[i]));
                progress.update(int64_t(n_done), "last: d = " + std::to_string(records[i].d));
                if (on_done) on_done(records[i]);
            } catch (...) {
                std::lock_guard lock(done_mutex);
                if (!error) error = std::current_exception();
                stop = true;
            }
        }
    };
    std::vector<std::thread> threads;
    for (int t = 1; t < n_threads; ++t) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();
    if (error) std::rethrow_exception(error);
    if (interrupted()) throw Interrupted{};
    return records;
}

}  // namespace idim::cli
