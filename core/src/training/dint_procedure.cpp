// DintProcedure (dint_procedure.h): the search, written once as a plain loop
// (search_intrinsic_dim), is replayed over the batches answered so far; the first batch it asks
// for that has no answer yet is the next one. A replay costs nothing next to one training run.
#include "idim/dint_procedure.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "idim/error.h"

namespace idim {
namespace {

struct Unanswered {
    std::vector<RunRequest> batch;
};

// The outcomes of `asked`, in its order; throws unless they are exactly those runs.
std::vector<RunOutcome> match(const std::vector<RunRequest>& asked,
                              const std::vector<RunOutcome>& outcomes) {
    require(outcomes.size() == asked.size(), "d_int: expected ", asked.size(),
            " outcomes for the batch, got ", outcomes.size());
    std::vector<RunOutcome> ordered;
    for (const RunRequest& r : asked) {
        // std::find_if, not std::ranges: the libc++ of Emscripten 3.1.6 (the page's module) lacks it.
        auto it = std::find_if(outcomes.begin(), outcomes.end(),
                               [&](const RunOutcome& o) { return o.d == r.d && o.seed == r.seed; });
        require(it != outcomes.end(), "d_int: no outcome for the run d = ", r.d, ", seed ", r.seed);
        ordered.push_back(*it);
    }
    return ordered;
}

}  // namespace

DintProcedure::DintProcedure(DintProcedureConfig config) : config_(std::move(config)) {
    validate(config_.search);
    require(config_.baseline_seeds >= 1, "baseline seeds must be at least 1, got ",
            config_.baseline_seeds);
    if (config_.baseline)
        require(*config_.baseline > 0 && *config_.baseline <= 1,
                "a fixed baseline must be in (0, 1], got ", *config_.baseline);
    baseline_ = config_.baseline;
    advance();
}

std::optional<double> DintProcedure::threshold() const {
    if (!baseline_) return std::nullopt;
    return config_.search.fraction * *baseline_;
}

void DintProcedure::report(const std::vector<RunOutcome>& outcomes) {
    require(!finished(), "d_int: the procedure has finished; no runs are outstanding");
    std::vector<RunOutcome> ordered = match(pending_, outcomes);
    if (!baseline_) {
        for (const RunOutcome& r : ordered)
            require(!r.diverged && std::isfinite(r.accuracy),
                    "the baseline training diverged (NaN loss); lower its learning rate or give a "
                    "fixed baseline");
        baseline_runs_ = ordered;
        baseline_ = mean_accuracy(ordered);
    } else {
        answered_.push_back(std::move(ordered));
    }
    advance();
}

void DintProcedure::advance() {
    pending_.clear();
    if (!baseline_) {
        for (int s = 0; s < config_.baseline_seeds; ++s)
            pending_.push_back({baseline_d, config_.search.first_seed + uint64_t(s), false});
        return;
    }
    size_t replayed = 0;
    try {
        result_ = search_intrinsic_dim(config_.search, *threshold(),
                                       [&](const std::vector<RunRequest>& batch) {
                                           if (replayed == answered_.size()) throw Unanswered{batch};
                                           return answered_[replayed++];
                                       });
    } catch (const Unanswered& u) {
        pending_ = u.batch;
        // The runs so far, as the search would list them had it finished now.
        result_ = {std::nullopt, *threshold(), {}};
        for (const auto& batch : answered_)
            for (const RunOutcome& o : batch) {
                auto same = std::find_if(result_.runs.begin(), result_.runs.end(),
                                         [&](const RunOutcome& r) { return r.d == o.d && r.seed == o.seed; });
                if (same == result_.runs.end()) result_.runs.push_back(o);
                else *same = o;
            }
    }
}

DintProcedureConfig toy_dint_config() {
    DintProcedureConfig c;
    c.search.fraction = 1.0;
    c.search.d_min = 1;
    c.baseline = 1.0;
    return c;
}

std::string d_int_name(double fraction) {
    return "d_int" + std::to_string(int(std::lround(fraction * 100)));
}

std::vector<DSummary> summarise(const std::vector<RunOutcome>& runs) {
    std::map<uint64_t, std::vector<RunOutcome>> by_d;
    for (const RunOutcome& r : runs) by_d[r.d].push_back(r);
    std::vector<DSummary> out;
    for (const auto& [d, at_d] : by_d) {
        DSummary s{d, int(at_d.size()), 0, mean_accuracy(at_d), INFINITY, -INFINITY};
        for (const RunOutcome& r : at_d) {
            s.diverged += r.diverged;
            s.min = std::min(s.min, counted_accuracy(r));
            s.max = std::max(s.max, counted_accuracy(r));
        }
        out.push_back(s);
    }
    return out;
}

}  // namespace idim
