// Independent searches of one configuration (`idim dint --searches N`, the page's searches): the
// spread of d_int90 over them is what a reported d_int90 is uncertain by. Search k is a whole
// DintProcedure of its own — its own baseline runs and its own runs at every d — with seeds that
// no other search uses, so the searches share nothing but the configuration and the data.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "idim/dint_procedure.h"

namespace idim {

// `idim dint`'s default count: two show a spread at twice one search's cost (a default search, FC
// on the npm digits with three seeds a d, takes about 45 s on two cores); their median is the
// lower answer, the range beside it the other. Reported experiments use at least three, an odd
// count, whose median is the middle answer (docs/method.md).
constexpr int default_searches = 2;

// The procedure of search k (0-based) of `config`: its seeds start at search.first_seed + k·s,
// with s the larger of the per-d and baseline seed counts. Search 0 is `config` itself.
DintProcedureConfig independent_search(DintProcedureConfig config, int k);

// The searches' answers side by side. A search that found none (even d_max failed) counts as
// above every d: it sorts last, and a median or end of the range that falls on it is none.
struct DintSpread {
    std::vector<std::optional<uint64_t>> searches;   // each search's d_int, in search order
    // The middle answer; of an even count, the lower of the two middle ones, so the median is a
    // d that was tried and its runs can be shown (the range gives the other).
    std::optional<uint64_t> median;
    std::optional<uint64_t> low, high;   // the smallest and the largest answer
};
DintSpread dint_spread(const std::vector<std::optional<uint64_t>>& d_ints);   // d_ints not empty

}  // namespace idim
