// The d_int search: a coarse geometric sweep upward from d_min until a d passes, then bisection
// (on a log scale) between the largest failing and the smallest passing d. Li et al. read d_int90
// off a fixed grid; searching finds the same first-passing d with far fewer runs.
#include "idim/intrinsic_dim.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "idim/error.h"

namespace idim {
namespace {

void validate(const DintConfig& c) {
    require(c.d_min >= 1, "d-min must be at least 1");
    require(c.d_max >= c.d_min, "d-max (" + std::to_string(c.d_max) + ") is below d-min (" +
                                    std::to_string(c.d_min) + ")");
    require(c.seeds >= 1, "seeds must be at least 1, got " + std::to_string(c.seeds));
    require(c.growth > 1, "the sweep growth factor must exceed 1");
    require(c.relative_precision > 0, "the relative precision must be positive");
}

struct Search {
    const DintConfig& config;
    double threshold;
    const RunBatch& run_batch;
    DintResult result;

    bool passes(uint64_t d) {
        std::vector<std::pair<uint64_t, uint64_t>> jobs;
        for (int s = 0; s < config.seeds; ++s) jobs.push_back({d, uint64_t(s)});
        std::vector<RunOutcome> runs = run_batch(jobs);
        result.runs.insert(result.runs.end(), runs.begin(), runs.end());
        return mean_accuracy(runs) >= threshold;
    }
};

}  // namespace

double mean_accuracy(const std::vector<RunOutcome>& runs_at_d) {
    if (runs_at_d.empty()) return 0;
    double sum = 0;
    for (const RunOutcome& r : runs_at_d) sum += r.diverged || std::isnan(r.accuracy) ? 0 : r.accuracy;
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
    if (passing == 0) return search.result;

    while (failing > 0 && passing - failing > 1 &&
           double(passing) / failing - 1 > config.relative_precision) {
        uint64_t mid = uint64_t(std::llround(std::sqrt(double(failing) * passing)));
        mid = std::clamp<uint64_t>(mid, failing + 1, passing - 1);
        (search.passes(mid) ? passing : failing) = mid;
    }
    search.result.d_int = passing;
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
