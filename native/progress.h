// Progress on stderr: a redrawn bar with ETA and a status (running loss/accuracy) on a terminal,
// plain lines (at most a few per second) when stderr is a file or a pipe. Thread-safe, so
// concurrent runs can report through one instance.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace idim::cli {

class Progress {
public:
    Progress(std::string label, int64_t total, bool quiet);
    ~Progress();
    void reset(std::string label, int64_t total);   // a new phase (e.g. baseline, then runs)
    // Work done so far out of total, and a short status; redraws the bar (terminal only).
    void update(int64_t done, const std::string& status);
    void advance(int64_t by, const std::string& status);
    // A line worth keeping (an epoch, a finished run); `always` skips the rate limit for plain lines.
    void note(const std::string& line, bool always = true);
    void finish();   // clears the bar

private:
    using Clock = std::chrono::steady_clock;
    std::mutex mutex_;
    std::string label_;
    int64_t total_, done_ = 0;
    bool quiet_, tty_, bar_shown_ = false;
    Clock::time_point start_, last_draw_, last_note_;
    void draw(const std::string& status);
    void clear();
};

// "1m23s", "45s", "2h05m"
std::string format_duration(double seconds);

}  // namespace idim::cli
