// The d_int search: a coarse geometric sweep upward from d_min until a d passes, then bisection
// (on a log scale) between the largest failing and the smallest passing d, whose two verdicts are
// then checked without early stops. Li et al. read d_int90 off a fixed grid; searching finds
// the same first-passing d with far fewer runs.
#include "idim/dint_search.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "idim/error.h"

namespace idim {
void validate(const DintConfig& c) {
    require(c.d_min >= 1, "d-min must be at least 1");
    require(c.d_max >= c.d_min, "d-max (" + std::to_string(c.d_max) + ") is below d-min (" +
                                    std::to_string(c.d_min) + ")");
    require(c.seeds >= 1, "seeds must be at least 1, got " + std::to_string(c.seeds));
    require(c.growth > 1, "the sweep growth factor must exceed 1");
    require(c.relative_precision > 0, "the relative precision must be positive");
    require(c.fraction > 0 && c.fraction <= 1, "the fraction of the baseline must be in (0, 1], got ",
            c.fraction);
}

namespace {

struct Search {
    const DintConfig& config;
    double threshold;
    const RunBatch& run_batch;
    DintResult result;

    std::vector<RunOutcome> runs_at(uint64_t d) const {
        std::vector<RunOutcome> at_d;
        for (const RunOutcome& r : result.runs)
            if (r.d == d) at_d.push_back(r);
        return at_d;
    }

    bool passes(uint64_t d) {
        std::vector<RunRequest> jobs;
        for (int s = 0; s < config.seeds; ++s) jobs.push_back({d, config.first_seed + uint64_t(s)});
        std::vector<RunOutcome> runs = run_batch(jobs);
        result.runs.insert(result.runs.end(), runs.begin(), runs.end());
        return mean_accuracy(runs_at(d)) >= threshold;
    }

    bool verdict(uint64_t d) const { return mean_accuracy(runs_at(d)) >= threshold; }

    // Trains the runs of d that an early stop ended on to their last epoch, replaces their
    // outcomes and gives d's verdict with them: the verdict the full budget gives. A failing d
    // keeps its runs stopped at accuracy 1 (they cannot gain, so cannot turn the verdict); a
    // passing d trains every stopped run on (one stopped past the target may still lose).
    bool verdict_when_finished(uint64_t d) {
        const bool passing = verdict(d);
        std::vector<RunRequest> jobs;
        for (const RunOutcome& r : runs_at(d))
            if (r.stopped_early && (passing || r.accuracy < 1)) jobs.push_back({d, r.seed, false});
        if (jobs.empty()) return passing;
        for (const RunOutcome& finished : run_batch(jobs))
            for (RunOutcome& r : result.runs)
                if (r.d == finished.d && r.seed == finished.seed) r = finished;
        return verdict(d);
    }

    // The smallest d tried above `d` that passes (0: none).
    uint64_t smallest_passing_above(uint64_t d) const {
        uint64_t smallest = 0;
        for (const RunOutcome& r : result.runs)
            if (r.d > d && (smallest == 0 || r.d < smallest) && verdict(r.d)) smallest = r.d;
        return smallest;
    }

    // The coarse sweep goes on upward from a failing d: the first d that passes (0: none up to
    // d_max), moving `failing` up past each d that fails.
    uint64_t sweep_up(uint64_t& failing) {
        for (double d = double(failing) * config.growth; failing < config.d_max; d *= config.growth) {
            const uint64_t di = std::min<uint64_t>(uint64_t(std::llround(d)), config.d_max);
            if (di <= failing) continue;
            if (runs_at(di).empty() ? passes(di) : verdict(di)) return di;
            failing = di;
        }
        return 0;
    }

    uint64_t largest_failing_below(uint64_t d) const {
        uint64_t largest = 0;
        for (const RunOutcome& r : result.runs)
            if (r.d < d && r.d > largest && mean_accuracy(runs_at(r.d)) < threshold) largest = r.d;
        return largest;
    }

    // Bisection on a log scale between a failing and a passing d.
    void narrow(uint64_t& failing, uint64_t& passing) {
        while (failing > 0 && passing - failing > 1 &&
               double(passing) / failing - 1 > config.relative_precision) {
            uint64_t mid = uint64_t(std::llround(std::sqrt(double(failing) * passing)));
            mid = std::clamp<uint64_t>(mid, failing + 1, passing - 1);
            (passes(mid) ? passing : failing) = mid;
        }
    }
};

}  // namespace

bool run_failed(const RunOutcome& run) { return run.diverged || !std::isfinite(run.accuracy); }

double counted_accuracy(const RunOutcome& run) { return run_failed(run) ? 0 : run.accuracy; }

double mean_accuracy(const std::vector<RunOutcome>& runs_at_d) {
    if (runs_at_d.empty()) return 0;
    double sum = 0;
    for (const RunOutcome& r : runs_at_d) sum += counted_accuracy(r);
    return sum / runs_at_d.size();
}

DintResult search_intrinsic_dim(const DintConfig& config, double threshold,
                                const RunBatch& run_batch) {
    validate(config);
    Search search{config, threshold, run_batch, {}};
    search.result.threshold = threshold;

    uint64_t failing = 0, passing = 0;   // 0: none yet
    for (double d = double(config.d_min);; d *= config.growth) {
        uint64_t di = std::min<uint64_t>(uint64_t(std::llround(d)), config.d_max);
        if (di <= failing) continue;
        if (search.passes(di)) {
            passing = di;
            break;
        }
        failing = di;
        if (di == config.d_max) break;
    }
    // The answer rests on two verdicts: the largest failing d (or d_max failing) and the
    // smallest passing d. Where early stops decided either, the runs are trained out: should the
    // failing d pass then, the search goes on below it; should the passing d fail, above it.
    for (;;) {
        if (passing > 0) search.narrow(failing, passing);
        if (failing > 0 && search.verdict_when_finished(failing)) {
            passing = failing;
            failing = search.largest_failing_below(passing);
            continue;
        }
        if (passing == 0 || search.verdict_when_finished(passing)) break;
        failing = passing;
        passing = search.smallest_passing_above(failing);
        if (passing == 0) passing = search.sweep_up(failing);
        if (passing == 0) break;
        failing = std::max(failing, search.largest_failing_below(passing));
    }
    if (passing > 0) search.result.d_int = passing;
    return search.result;
}

std::optional<uint64_t> first_passing_d(const std::vector<RunOutcome>& runs, double threshold) {
    std::map<uint64_t, std::vector<RunOutcome>> by_d;
    for (const RunOutcome& r : runs) by_d[r.d].push_back(r);
    for (const auto& [d, at_d] : by_d)
        if (mean_accuracy(at_d) >= threshold) return d;
    return std::nullopt;
}

}  // namespace idim
