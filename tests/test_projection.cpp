// Random projections: adjointness of expand/contract, unit columns, determinism, the dense
// entry definition, tiled == stored, per-group sparse densities, and every refused spec.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "idim/backend.h"
#include "idim/error.h"
#include "idim/projection.h"
#include "idim/rng.h"

namespace idim {
namespace {

std::vector<ParamGroup> three_groups() {  // D = 1000: 600 + 300 + 100
    return {{"w1", 0, 600, true, 10}, {"w2", 600, 300, true, 10}, {"b", 900, 100, false, 0}};
}

ProjectionSpec spec_of(const std::string& kind, size_t dim_full, size_t dim_sub, uint64_t seed = 1) {
    ProjectionSpec spec;
    spec.kind = parse_projection(kind == "dense-tiled" ? "dense" : kind);
    spec.dim_full = dim_full;
    spec.dim_sub = dim_sub;
    spec.seed = seed;
    if (dim_full == 1000) spec.groups = three_groups();
    if (kind == "dense-tiled") spec.max_projection_mb = 0;  // forces the tiled path
    return spec;
}

const std::vector<std::string> kKinds = {"dense", "dense-tiled", "sparse", "fastfood"};

std::vector<float> random_vector(size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::normal_distribution<float> normal;
    std::vector<float> v(n);
    for (float& x : v) x = normal(gen);
    return v;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
    return s;
}

// Column j of P as P·e_j (exact whatever the kernel: one non-zero product, times 1).
std::vector<float> column(Backend& be, Projection& p, size_t j) {
    std::vector<float> e(p.dim_sub(), 0.0f), out(p.dim_full(), 0.0f);
    e[j] = 1.0f;
    p.expand(be, e.data(), 0.0f, out.data());
    return out;
}

TEST(Projection, ExpandAndContractAreAdjoint) {
    for (const char* backend : {"reference", "cpu"})
        for (const std::string& kind : kKinds)
            for (size_t dim_full : {size_t(1000), size_t(3000)}) {
                Backend& be = backend_by_name(backend);
                auto p = make_projection(be, spec_of(kind, dim_full, 50));
                EXPECT_EQ(p->name(), kind);
                auto x = random_vector(50, 1), y = random_vector(dim_full, 2);
                std::vector<float> px(dim_full), pty(50);
                p->expand(be, x.data(), 0.0f, px.data());
                p->contract(be, y.data(), pty.data());
                double lhs = dot(px, y), rhs = dot(x, pty);
                // Each float output carries relative error ≲ (log₂L + 1)·2^-24 ≈ 1e-6 of the sum of
                // |terms|, bounded by the norms; 1e-5 of the norm products covers both sides.
                double scale = std::sqrt(dot(px, px) * dot(y, y)) +
                               std::sqrt(dot(x, x) * dot(pty, pty));
                EXPECT_NEAR(lhs, rhs, 1e-5 * scale) << backend << " " << kind << " D=" << dim_full;
                EXPECT_GT(std::abs(lhs), 1e-3 * scale);  // not trivially zero
            }
}

// Fastfood's contract folds Πᵀ·G onto one block when d is short (≤ 8,192 and below L) and
// otherwise gathers and transforms the first block; both must be Pᵀ. Against the columns of P
// (P·e_j, exact) summed in double where d is small, and the adjoint identity where it is not.
TEST(Projection, FastfoodContractIsPTransposedWhetherItFoldsOrNot) {
    struct Case { size_t dim_full, dim_sub; };
    for (const char* backend : {"reference", "cpu"}) {
        Backend& be = backend_by_name(backend);
        for (Case c : {Case{3000, 50}, Case{1000, 600}, Case{5000, 3000}}) {  // folds, L = S, 2 blocks
            ProjectionSpec spec = spec_of("fastfood", c.dim_full, c.dim_sub);
            auto p = make_projection(be, spec);
            auto y = random_vector(c.dim_full, 11);
            std::vector<float> pty(c.dim_sub);
            p->contract(be, y.data(), pty.data());
            for (size_t j = 0; j < c.dim_sub; j += 7) {
                auto col = column(be, *p, j);
                double want = dot(col, y), bound = 0;
                for (size_t i = 0; i < c.dim_full; ++i) bound += std::abs(double(col[i]) * y[i]);
                // log₂L + 2 float roundings of each term's path, relative to Σ|terms|
                ASSERT_NEAR(pty[j], want, 2e-6 * bound + 1e-7) << backend << " D=" << c.dim_full
                                                               << " d=" << c.dim_sub << " j=" << j;
            }
        }
        auto p = make_projection(be, spec_of("fastfood", 40000, 9000));  // S = 16,384: 4 blocks
        auto x = random_vector(9000, 12), y = random_vector(40000, 13);
        std::vector<float> px(40000), pty(9000);
        p->expand(be, x.data(), 0.0f, px.data());
        p->contract(be, y.data(), pty.data());
        double scale = std::sqrt(dot(px, px) * dot(y, y)) + std::sqrt(dot(x, x) * dot(pty, pty));
        EXPECT_NEAR(dot(px, y), dot(x, pty), 1e-5 * scale) << backend;
    }
}

TEST(Projection, DenseAndSparseColumnsHaveUnitNorm) {
    Backend& be = backend_by_name("cpu");
    for (const std::string& kind : {"dense", "dense-tiled", "sparse"}) {
        auto p = make_projection(be, spec_of(kind, 1000, 40));
        for (size_t j = 0; j < 40; ++j) {
            auto c = column(be, *p, j);
            // entries are rounded to float once (relative 2^-24), so the norm is 1 to ~1e-7
            EXPECT_NEAR(std::sqrt(dot(c, c)), 1.0, 1e-6) << kind << " column " << j;
        }
    }
}

TEST(Projection, FastfoodColumnsHaveNearUnitNorm) {
    Backend& be = backend_by_name("cpu");
    // D = L: every column of H·G·Π·H·B has norm √(L·ΣG²) exactly, so 1 up to float rounding
    // through two transforms (about 2·log₂L·2^-24 ≈ 1e-6).
    auto full = make_projection(be, spec_of("fastfood", 1024, 30));
    for (size_t j = 0; j < 30; ++j) {
        auto c = column(be, *full, j);
        EXPECT_NEAR(dot(c, c), 1.0, 1e-5);
    }
    // D < L keeps D of L rows: each squared norm is a sum of D terms of mean 1/D, so its
    // relative spread is about √(2/D) ≈ 0.045 at D = 1000; 6 of those bound every column, and
    // the mean over 60 columns is within 6·0.045/√60 ≈ 0.035 of 1.
    auto cropped = make_projection(be, spec_of("fastfood", 1000, 60));
    double mean = 0;
    for (size_t j = 0; j < 60; ++j) {
        auto c = column(be, *cropped, j);
        EXPECT_NEAR(dot(c, c), 1.0, 6 * std::sqrt(2.0 / 1000));
        mean += dot(c, c) / 60;
    }
    EXPECT_NEAR(mean, 1.0, 0.035);
}

TEST(Projection, DenseEntriesFollowTheDocumentedDefinition) {
    // P(i, j) = float(g / ‖g(·, j)‖), g = float(normal(i·2^32 + j)), norms summed in double.
    const uint64_t seed = 9;
    const size_t dim_full = 300, dim_sub = 7;
    CounterRng rng(seed, Stream::dense_projection);
    auto g = [&](size_t i, size_t j) { return double(float(rng.normal((uint64_t(i) << 32) | j))); };
    auto norms = dense_column_norms(seed, dim_full, dim_sub);
    Backend& be = backend_by_name("reference");
    auto p = make_projection(be, spec_of("dense", dim_full, dim_sub, seed));
    for (size_t j = 0; j < dim_sub; ++j) {
        double sum_sq = 0;
        for (size_t i = 0; i < dim_full; ++i) sum_sq += g(i, j) * g(i, j);
        EXPECT_NEAR(norms[j], std::sqrt(sum_sq), 1e-12 * norms[j]);  // summation order differs
        auto c = column(be, *p, j);
        for (size_t i = 0; i < dim_full; ++i) ASSERT_EQ(c[i], float(g(i, j) / norms[j]));
    }
}

TEST(Projection, TiledDenseEqualsStoredDense) {
    // D·d = 4.2M floats is two tiles of 2M. Entries are the same bits; expand sums each row
    // within one tile, so on the reference backend (double per output) it is bit-identical.
    // contract adds the tiles' float partial sums, so it agrees to float rounding only.
    Backend& be = backend_by_name("reference");
    const size_t dim_full = 21000, dim_sub = 200;
    auto stored = make_projection(be, spec_of("dense", dim_full, dim_sub, 4));
    auto tiled = make_projection(be, spec_of("dense-tiled", dim_full, dim_sub, 4));
    EXPECT_EQ(stored->memory_bytes(), dim_full * dim_sub * sizeof(float));
    EXPECT_LT(tiled->memory_bytes(), stored->memory_bytes() / 2);
    auto x = random_vector(dim_sub, 5), y = random_vector(dim_full, 6);
    std::vector<float> a(dim_full), b(dim_full), ca(dim_sub), cb(dim_sub);
    stored->expand(be, x.data(), 0.0f, a.data());
    tiled->expand(be, x.data(), 0.0f, b.data());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
    stored->contract(be, y.data(), ca.data());
    tiled->contract(be, y.data(), cb.data());
    for (size_t j = 0; j < dim_sub; ++j)  // one extra float rounding per tile boundary
        EXPECT_NEAR(ca[j], cb[j], 4e-7 * (std::abs(ca[j]) + 1));
}

TEST(Projection, SameSeedSameBitsOtherSeedDiffers) {
    Backend& be = backend_by_name("cpu");
    for (const std::string& kind : kKinds) {
        auto x = random_vector(30, 3);
        std::vector<float> outs[3];
        for (int k = 0; k < 3; ++k) {
            auto p = make_projection(be, spec_of(kind, 1000, 30, k == 2 ? 8 : 7));
            outs[k].resize(1000);
            p->expand(be, x.data(), 0.0f, outs[k].data());
        }
        EXPECT_EQ(std::memcmp(outs[0].data(), outs[1].data(), 1000 * sizeof(float)), 0) << kind;
        EXPECT_NE(std::memcmp(outs[0].data(), outs[2].data(), 1000 * sizeof(float)), 0) << kind;
    }
}

TEST(Projection, ExpandAddsBetaTimesY) {
    for (const char* backend : {"reference", "cpu"})
        for (const std::string& kind : kKinds) {
            Backend& be = backend_by_name(backend);
            auto p = make_projection(be, spec_of(kind, 1000, 20));
            auto x = random_vector(20, 7), y0 = random_vector(1000, 8);
            std::vector<float> px(1000), y = y0;
            p->expand(be, x.data(), 0.0f, px.data());
            p->expand(be, x.data(), 0.5f, y.data());
            for (size_t i = 0; i < 1000; ++i)  // a few float roundings of O(1) values
                ASSERT_NEAR(y[i], px[i] + 0.5 * y0[i], 1e-5 * (std::abs(px[i]) + std::abs(y0[i]) + 1))
                    << backend << " " << kind << " row " << i;
        }
}

// θ = θ0 + P·θ_d: expand_onto (Fastfood's own, one pass) gives exactly copy-then-add.
TEST(Projection, ExpandOntoIsBaseCopiedThenExpandAdded) {
    for (const char* backend : {"reference", "cpu"})
        for (const std::string& kind : kKinds) {
            Backend& be = backend_by_name(backend);
            auto p = make_projection(be, spec_of(kind, 1000, 20));
            auto x = random_vector(20, 9), base = random_vector(1000, 10);
            std::vector<float> want = base, got(1000, NAN);
            p->expand(be, x.data(), 1.0f, want.data());
            p->expand_onto(be, x.data(), base.data(), got.data());
            EXPECT_EQ(std::memcmp(got.data(), want.data(), 1000 * sizeof(float)), 0)
                << backend << " " << kind;
        }
}

TEST(Projection, SparseDensityAndValuesFollowTheGroups) {
    // Group of n entries: density 1/√n, non-zeros ±n^{1/4} before the column normalisation.
    Backend& be = backend_by_name("cpu");
    const size_t dim_sub = 400;
    auto p = make_projection(be, spec_of("sparse", 1000, dim_sub));
    auto groups = three_groups();
    std::vector<double> nonzeros(groups.size(), 0.0);
    for (size_t j = 0; j < dim_sub; ++j) {
        auto c = column(be, *p, j);
        std::vector<double> magnitude(groups.size(), 0.0);
        for (size_t g = 0; g < groups.size(); ++g)
            for (size_t i = groups[g].offset; i < groups[g].offset + groups[g].size; ++i)
                if (c[i] != 0.0f) {
                    ++nonzeros[g];
                    if (magnitude[g] == 0) magnitude[g] = std::abs(c[i]);
                    ASSERT_EQ(std::abs(c[i]), magnitude[g]);  // one magnitude per group
                }
        if (magnitude[0] > 0 && magnitude[1] > 0)  // (600/300)^{1/4}, float-rounded entries
            EXPECT_NEAR(magnitude[0] / magnitude[1], std::pow(2.0, 0.25), 1e-6);
    }
    for (size_t g = 0; g < groups.size(); ++g) {
        double n = double(groups[g].size), expected = dim_sub * std::sqrt(n);
        // binomial count: standard deviation ≤ √expected; 5 of them
        EXPECT_NEAR(nonzeros[g], expected, 5 * std::sqrt(expected)) << groups[g].name;
    }
}

TEST(Projection, RefusesBadSpecs) {
    Backend& be = backend_by_name("reference");
    auto message = [&](ProjectionSpec spec) {
        try {
            make_projection(be, spec);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message(spec_of("dense", 1000, 0)).find("at least 1"), std::string::npos);
    EXPECT_NE(message(spec_of("fastfood", 1000, 1001)).find("must not exceed"), std::string::npos);
    EXPECT_THROW(parse_projection("gaussian"), Error);
    ProjectionSpec capped = spec_of("dense", 1000, 10);
    capped.max_projection_mb = 0.01;
    capped.allow_tiling = false;
    EXPECT_NE(message(capped).find("exceeds the cap"), std::string::npos);
    ProjectionSpec gap = spec_of("sparse", 1000, 10);
    gap.groups[1].offset = 601;
    EXPECT_NE(message(gap).find("starts at 601"), std::string::npos);
    ProjectionSpec short_groups = spec_of("sparse", 1000, 10);
    short_groups.groups.pop_back();
    EXPECT_NE(message(short_groups).find("cover 900"), std::string::npos);
}

}  // namespace
}  // namespace idim
