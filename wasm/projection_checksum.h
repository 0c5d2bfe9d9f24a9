// A fingerprint of a projection P (D × d) that the native fixture (tests/wasm_fixture) and the
// WebAssembly module both print, so a test can show that the same (kind, seed, D, d) gives the
// same P on both. Columns are taken one at a time as P·e_j and their float bits hashed (FNV-1a,
// −0 read as +0); a sum of |P| in double goes with it to show how far apart two P are if not equal.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "idim/model.h"
#include "idim/projection.h"
#include "idim/subspace.h"

namespace idim::wasm {

struct ProjectionFingerprint {
    std::string hash;            // 16 hex digits
    double sum_abs = 0;          // Σ |P_ij| in double
    size_t dim_full = 0, dim_sub = 0;
};

// P for (kind, seed) over the parameter groups of an FC network (widths) on side × side images
// with 10 classes, d columns — drawn by the core's convention (subspace.h), as every run's P is.
inline ProjectionFingerprint projection_fingerprint(Backend& be, const std::string& kind,
                                                    uint64_t seed, int side,
                                                    const std::vector<int>& widths, size_t d) {
    auto model = make_model({ModelKind::fc, widths}, Shape{side, side, 1}, 10);
    SubspaceSpec request;
    request.projection = parse_projection(kind);
    request.d = d;
    request.seed = seed;
    ProjectionSpec spec = projection_spec(request, model->dim(), model->param_groups());
    auto p = make_projection(be, spec);

    uint64_t hash = 0xcbf29ce484222325ull;   // FNV-1a offset basis
    ProjectionFingerprint out{"", 0, spec.dim_full, d};
    std::vector<float> unit(d, 0.0f), column(spec.dim_full);
    for (size_t j = 0; j < d; ++j) {
        unit[j] = 1.0f;
        p->expand(be, unit.data(), 0.0f, column.data());
        unit[j] = 0.0f;
        for (float v : column) {
            if (v == 0.0f) v = 0.0f;          // −0 → +0: the sign of a zero is summation order
            uint32_t bits;
            std::memcpy(&bits, &v, sizeof bits);
            for (int b = 0; b < 4; ++b) hash = (hash ^ ((bits >> (8 * b)) & 0xffu)) * 0x100000001b3ull;
            out.sum_abs += v < 0 ? -double(v) : double(v);
        }
    }
    static const char* digits = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) out.hash += digits[(hash >> (4 * i)) & 0xfu];
    return out;
}

}  // namespace idim::wasm
