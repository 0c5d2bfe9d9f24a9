// Terminal progress bar and plain progress lines (see progress.h). The bar is redrawn at most
// ten times a second so that fast steps (the toy task) do not spend their time printing.
#include "progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace idim::cli {
namespace {

constexpr int kBarWidth = 24;
constexpr double kRedrawSeconds = 0.1, kPlainNoteSeconds = 1.0;

double seconds_between(std::chrono::steady_clock::time_point a,
                       std::chrono::steady_clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

}  // namespace

std::string format_duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    long s = std::lround(seconds);
    char buf[32];
    if (s < 60) std::snprintf(buf, sizeof buf, "%lds", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
    return buf;
}

Progress::Progress(std::string label, int64_t total, bool quiet)
    : label_(std::move(label)), total_(total), quiet_(quiet), tty_(isatty(STDERR_FILENO) == 1),
      start_(Clock::now()), last_draw_(start_), last_note_(start_ - std::chrono::hours(1)) {}

Progress::~Progress() { finish(); }

void Progress::reset(std::string label, int64_t total) {
    std::lock_guard lock(mutex_);
    clear();
    label_ = std::move(label);
    total_ = total;
    done_ = 0;
    start_ = Clock::now();
}

void Progress::update(int64_t done, const std::string& status) {
    std::lock_guard lock(mutex_);
    done_ = done;
    if (quiet_ || !tty_) return;
    Clock::time_point now = Clock::now();
    if (bar_shown_ && done < total_ && seconds_between(last_draw_, now) < kRedrawSeconds) return;
    last_draw_ = now;
    draw(status);
}

void Progress::advance(int64_t by, const std::string& status) {
    int64_t done;
    {
        std::lock_guard lock(mutex_);
        done = done_ + by;
    }
    update(done, status);
}

void Progress::note(const std::string& line, bool always) {
    std::lock_guard lock(mutex_);
    if (quiet_) return;
    Clock::time_point now = Clock::now();
    if (!tty_ && !always && seconds_between(last_note_, now) < kPlainNoteSeconds) return;
    last_note_ = now;
    clear();
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
}

void Progress::finish() {
    std::lock_guard lock(mutex_);
    clear();
}

// "label [#########...............]  37%  12s left  status"
void Progress::draw(const std::string& status) {
    double fraction = total_ > 0 ? std::min(1.0, double(done_) / double(total_)) : 0.0;
    int filled = int(fraction * kBarWidth);
    std::string bar(size_t(filled), '#');
    bar.append(size_t(kBarWidth - filled), '.');
    double elapsed = seconds_between(start_, Clock::now());
    double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : NAN;
    std::string eta_text = fraction >= 1 ? format_duration(elapsed) + " total"
                                         : format_duration(eta) + " left";
    std::fprintf(stderr, "\r\033[2K%s [%s] %3d%%  %s  %s", label_.c_str(), bar.c_str(),
                 int(fraction * 100), eta_text.c_str(), status.c_str());
    std::fflush(stderr);
    bar_shown_ = true;
}

void Progress::clear() {
    if (!bar_shown_) return;
    std::fprintf(stderr, "\r\033[2K");
    std::fflush(stderr);
    bar_shown_ = false;
}

}  // namespace idim::cli
