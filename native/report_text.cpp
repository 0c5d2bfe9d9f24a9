// The table a person reads at the end of a sweep or search: every d tried, the accuracy of each
// seed, and the mean, min and max (and whether the mean passed the threshold).
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <map>

#include "report.h"

namespace idim::cli {
namespace {

std::string accuracy_cell(const RunRecord& r) {
    const TrainResult& t = r.result;
    if (t.diverged()) return "  diverged";
    char buf[32];
    // '*': stopped by Ctrl-C before its budget, so not comparable with the others
    std::snprintf(buf, sizeof buf, t.stop == StopReason::cancelled ? "%9.4f*" : "%10.4f",
                  r.score);
    return buf;
}

}  // namespace

void print_runs_table(std::ostream& out, const std::vector<RunRecord>& runs,
                      std::optional<double> threshold) {
    std::map<uint64_t, std::vector<const RunRecord*>> by_d;
    for (const RunRecord& r : runs) by_d[r.d].push_back(&r);
    for (auto& [d, at_d] : by_d)   // columns by seed, whatever order the runs finished in
        std::ranges::sort(at_d, {}, [](const RunRecord* r) { return r->seed; });
    size_t n_seeds = 0;
    for (const auto& [d, at_d] : by_d) n_seeds = std::max(n_seeds, at_d.size());
    std::vector<DSummary> summary = summarise(runs);

    char buf[64];
    out << "         d";
    for (size_t s = 0; s < n_seeds; ++s) {
        std::snprintf(buf, sizeof buf, "     run %-2zu", s + 1);
        out << buf;
    }
    out << "      mean       min       max" << (threshold ? "  pass" : "") << '\n';
    for (const DSummary& s : summary) {
        std::snprintf(buf, sizeof buf, "%10llu", (unsigned long long)s.d);
        out << buf;
        const auto& at_d = by_d[s.d];
        for (size_t k = 0; k < n_seeds; ++k)
            out << ' ' << (k < at_d.size() ? accuracy_cell(*at_d[k]) : std::string(10, ' '));
        std::snprintf(buf, sizeof buf, "%10.4f%10.4f%10.4f", s.mean, s.min, s.max);
        out << buf;
        if (threshold) out << (s.mean >= *threshold ? "  yes" : "  no");
        out << '\n';
    }
}

std::string plot_title(const CommonOptions& o, const SubspaceOptions& sub) {
    std::string model = to_string(o.model.kind);
    if (is_toy(o.data)) model = "toy task";
    else if (o.model.kind == ModelKind::fc) {
        model += " ";
        for (size_t i = 0; i < o.model.widths.size(); ++i)
            model += (i ? "-" : "") + std::to_string(o.model.widths[i]);
    }
    std::string projection = sub.projection == "said" ? "said over " + sub.said_base : sub.projection;
    return model + (is_toy(o.data) ? "" : " on " + o.data.name) + ", " + projection +
           " projection, up to " + std::to_string(o.train.epochs) + " epochs per run";
}

std::string plot_subtitle(const Problem& problem) {
    constexpr size_t kMaxChars = 110;   // what fits the plot's width at 12 px
    std::string text = "D = " + std::to_string(problem.dim()) + "; " + problem.data_description();
    if (text.size() > kMaxChars) text = text.substr(0, kMaxChars - 3) + "...";
    return text;
}

}  // namespace idim::cli
