// See mpi_runs.h. Messages: rank 0 sends a Work (tag kWork) or an empty kStop; a worker answers
// with the run encoded as the journal encodes it (kResult) or the message of its error (kError).
#include "mpi_runs.h"

#include <mpi.h>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "idim/error.h"
#include "journal.h"

namespace idim::cli {
namespace {

enum Tag { kWork = 1, kStop = 2, kResult = 3, kError = 4 };

struct Work {
    int32_t full_training;   // 1: a baseline run (all D parameters), 0: a subspace run
    int32_t threads;
    uint64_t d, seed;
    double target;           // early-stop target, NaN: none
};

// A launcher's environment: Open MPI's mpirun, PMIx (srun --mpi=pmix, prterun) or PMI-2.
bool started_by_mpi_launcher() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
        if (std::getenv(name)) return true;
    return false;
}

// When a rank dies, the launcher ends the others with SIGTERM; rank 0 says what that means for
// the user before it goes (write(2) only: this runs in a signal handler).
extern "C" void on_job_ended(int signal) {
    static const char message[] =
        "idim: error: the MPI job was ended (a rank died or was stopped); the runs finished so far "
        "are in the journal: the same command with --resume goes on from them, with any number of "
        "ranks\n";
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(128 + signal);
}

std::string receive_text(int source, int tag, int* from) {
    MPI_Status status;
    MPI_Probe(source, tag, MPI_COMM_WORLD, &status);
    int count = 0;
    MPI_Get_count(&status, MPI_CHAR, &count);
    std::string text(size_t(count), '\0');
    MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (from) *from = status.MPI_SOURCE;
    return text;
}

class OpenMpiJob final : public MpiJob {
public:
    OpenMpiJob() {
        MPI_Init(nullptr, nullptr);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
        busy_.assign(size_t(size_), -1);
        if (rank_ == 0 && size_ > 1) std::signal(SIGTERM, on_job_ended);
    }
    ~OpenMpiJob() override {
        if (rank_ == 0 && size_ > 1) {
            // Unwinding after an error or Ctrl-C: collect what the busy ranks send, then stop all.
            for (int w = 1; w < size_; ++w) {
                if (busy_[w] >= 0) {
                    MPI_Status status;
                    MPI_Probe(w, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
                    receive_text(w, status.MPI_TAG, nullptr);
                }
                MPI_Send(nullptr, 0, MPI_BYTE, w, kStop, MPI_COMM_WORLD);
            }
        }
        MPI_Finalize();
    }
    int rank() const override { return rank_; }
    int size() const override { return size_; }

    RunPoolFn pool() override {
        return [this](const RunContext& ctx, const RunList& runs, int jobs, Progress& progress,
                      const RunOnDone& on_done) { return train_on_ranks(ctx, runs, jobs, progress, on_done); };
    }

    void serve(const RunContext& full_training, const RunContext& subspace) override {
        Backend& be = backend_by_name(subspace.options.backend);
        for (;;) {
            MPI_Status status;
            MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
            if (status.MPI_TAG == kStop) {
                MPI_Recv(nullptr, 0, MPI_BYTE, 0, kStop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                return;
            }
            Work work;
            MPI_Recv(&work, sizeof work, MPI_BYTE, 0, kWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            const RunContext& base = work.full_training ? full_training : subspace;
            const RunContext ctx{base.problem, base.options, base.subspace, work.target};
            std::string answer;
            int tag = kResult;
            try {
                be.set_threads(work.threads);
                answer = encode_run(run_one(ctx, work.d, work.seed, nullptr, RunDetail::none)).dump();
            } catch (const std::exception& e) {
                answer = "rank " + std::to_string(rank_) + ": " + e.what();
                tag = kError;
            }
            MPI_Send(answer.data(), int(answer.size()), MPI_CHAR, 0, tag, MPI_COMM_WORLD);
        }
    }

private:
    int rank_ = 0, size_ = 1;
    std::vector<int> busy_;   // per rank: the index of the run it trains, -1: idle

    std::vector<RunRecord> train_on_ranks(const RunContext& ctx, const RunList& runs, int jobs,
                                          Progress& progress, const RunOnDone& on_done) {
        std::vector<RunRecord> records(runs.size());
        size_t next = 0, n_done = 0;
        std::string error;
        auto hand_out = [&](int w) {
            if (!error.empty() || interrupted() || next >= runs.size()) return;
            const Work work{ctx.subspace ? 0 : 1, run_threads(ctx.options, jobs), runs[next].first,
                            runs[next].second, ctx.target_accuracy};
            MPI_Send(&work, sizeof work, MPI_BYTE, w, kWork, MPI_COMM_WORLD);
            busy_[w] = int(next++);
        };
        for (int w = 1; w < size_; ++w) hand_out(w);
        auto any_busy = [&] {
            for (int w = 1; w < size_; ++w)
                if (busy_[w] >= 0) return true;
            return false;
        };
        while (any_busy()) {
            // Polled with a pause: a blocking probe spins, and this rank would take a core from
            // the ranks that train.
            int ready = 0;
            MPI_Status status;
            MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &ready, &status);
            if (!ready) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                continue;
            }
            const int w = status.MPI_SOURCE;
            const std::string text = receive_text(w, status.MPI_TAG, nullptr);
            const size_t i = size_t(busy_[w]);
            busy_[w] = -1;
            if (status.MPI_TAG == kError) {
                if (error.empty()) error = text;
                continue;
            }
            records[i] = decode_run(Json::parse(text));
            progress.note(run_summary_line(records[i]));
            progress.update(int64_t(++n_done), "last: d = " + std::to_string(records[i].d));
            if (on_done) on_done(records[i]);
            hand_out(w);
        }
        require(error.empty(), error);
        if (interrupted()) throw Interrupted{};
        return records;
    }
};

}  // namespace

std::unique_ptr<MpiJob> MpiJob::join() {
    if (!started_by_mpi_launcher()) return nullptr;
    return std::make_unique<OpenMpiJob>();
}

}  // namespace idim::cli
