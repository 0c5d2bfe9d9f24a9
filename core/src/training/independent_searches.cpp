#include "idim/independent_searches.h"

#include <algorithm>

#include "idim/error.h"

namespace idim {

DintProcedureConfig independent_search(DintProcedureConfig config, int k) {
    require(k >= 0, "search index must not be negative, got ", k);
    const uint64_t stride = uint64_t(std::max(config.search.seeds, config.baseline_seeds));
    config.search.first_seed += uint64_t(k) * stride;
    return config;
}

DintSpread dint_spread(const std::vector<std::optional<uint64_t>>& d_ints) {
    require(!d_ints.empty(), "a spread needs at least one search");
    std::vector<std::optional<uint64_t>> sorted = d_ints;
    // none (not found) above every d
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return a && (!b || *a < *b);
    });
    return {d_ints, sorted[(sorted.size() - 1) / 2], sorted.front(), sorted.back()};
}

}  // namespace idim
