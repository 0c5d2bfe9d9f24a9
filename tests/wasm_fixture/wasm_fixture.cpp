// Prints, as one JSON array, the fingerprint (wasm/projection_checksum.h) of P for a few
// (kind, seed, network, d) — dense, sparse and Fastfood, D a power of two or not — computed by the
// native cpu backend. The WebAssembly module must print the same hashes for the same cases.
#include <cstdio>
#include <string>
#include <vector>

#include "projection_checksum.h"

namespace {

struct Case {
    const char* kind;
    uint64_t seed;
    int side;                  // side × side inputs, 10 classes
    std::vector<int> widths;   // FC hidden widths
    size_t d;
};

const std::vector<Case> kCases = {
    {"dense", 1, 14, {16}, 10},       // D = 3,322
    {"sparse", 2, 14, {16}, 20},
    {"fastfood", 3, 14, {16}, 50},    // L = 4,096
    {"dense", 4, 28, {8}, 30},        // D = 6,370
    {"sparse", 5, 28, {32}, 40},      // D = 25,450
    {"fastfood", 6, 28, {32}, 100},   // L = 32,768
};

}  // namespace

int main() {
    idim::Backend& be = idim::default_backend();
    std::printf("[\n");
    for (size_t i = 0; i < kCases.size(); ++i) {
        const Case& c = kCases[i];
        auto f = idim::wasm::projection_fingerprint(be, c.kind, c.seed, c.side, c.widths, c.d);
        std::string widths;
        for (int w : c.widths) widths += (widths.empty() ? "" : ",") + std::to_string(w);
        std::printf("  {\"kind\": \"%s\", \"seed\": %llu, \"side\": %d, \"widths\": [%s], \"d\": %zu, "
                    "\"D\": %zu, \"hash\": \"%s\", \"sumAbs\": %.17g}%s\n",
                    c.kind, static_cast<unsigned long long>(c.seed), c.side, widths.c_str(), c.d,
                    f.dim_full, f.hash.c_str(), f.sum_abs, i + 1 < kCases.size() ? "," : "");
    }
    std::printf("]\n");
    return 0;
}
