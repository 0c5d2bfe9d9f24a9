// Dense Gaussian projection (Li et al. 2018): P(i, j) = g(i, j) / ‖g(·, j)‖ with
// g(i, j) = float(normal(i·2^32 + j)) from CounterRng(seed, dense_projection), so an entry is a
// pure function of (seed, i, j) and the column norm (taken over the whole network, in double)
// is the original's normalisation. "dense" stores P (D × d, row-major); "dense-tiled"
// regenerates it a tile of rows at a time on every call and keeps only the d norms.
#include <algorithm>
#include <cmath>
#include <vector>

#include "subspaces/dense_rows.h"
#include "idim/buffer.h"
#include "idim/error.h"
#include "idim/rng.h"
#include "subspaces/projection_kinds.h"

namespace idim {
namespace dense {

void generate_rows(const CounterRng& rng, size_t row_begin, size_t row_end, size_t dim_sub,
                   float* rows) {
    std::vector<double> values(dim_sub);
    for (size_t i = row_begin; i < row_end; ++i) {
        rng.normals(uint64_t(i) << 32, dim_sub, values.data());
        float* row = rows + (i - row_begin) * dim_sub;
        for (size_t j = 0; j < dim_sub; ++j) row[j] = float(values[j]);
    }
}

}  // namespace dense

namespace {

constexpr size_t kNormBlockRows = 256;   // rows summed together before adding to the total
constexpr size_t kBlocksPerRound = 16;   // blocks generated in parallel, then added in order
constexpr size_t kTileFloats = 1 << 21;  // 8 MB of P per tile in the tiled path

// Σ_i g(i, j)² for every column j, summed per block of kNormBlockRows rows and the blocks added
// in row order, so the result does not depend on the thread count. When stored is not null, g
// is also written there (D × d) — one generation pass serves both.
std::vector<double> column_sums_of_squares(Backend& be, uint64_t seed, size_t dim_full,
                                           size_t dim_sub, float* stored) {
    CounterRng rng(seed, Stream::dense_projection);
    size_t n_blocks = (dim_full + kNormBlockRows - 1) / kNormBlockRows;
    std::vector<double> total(dim_sub, 0.0);
    std::vector<double> partial(kBlocksPerRound * dim_sub);
    std::vector<float> scratch(stored ? 0 : kBlocksPerRound * kNormBlockRows * dim_sub);
    for (size_t first = 0; first < n_blocks; first += kBlocksPerRound) {
        size_t n_round = std::min(kBlocksPerRound, n_blocks - first);
        be.parallel_for(n_round, [&](size_t b) {
            size_t row_begin = (first + b) * kNormBlockRows;
            size_t row_end = std::min(dim_full, row_begin + kNormBlockRows);
            float* rows = stored ? stored + row_begin * dim_sub
                                 : scratch.data() + b * kNormBlockRows * dim_sub;
            dense::generate_rows(rng, row_begin, row_end, dim_sub, rows);
            double* sums = partial.data() + b * dim_sub;
            std::fill(sums, sums + dim_sub, 0.0);
            for (size_t r = 0; r < row_end - row_begin; ++r)
                for (size_t j = 0; j < dim_sub; ++j)
                    sums[j] += double(rows[r * dim_sub + j]) * rows[r * dim_sub + j];
        });
        for (size_t b = 0; b < n_round; ++b)
            for (size_t j = 0; j < dim_sub; ++j) total[j] += partial[b * dim_sub + j];
    }
    return total;
}

std::vector<double> square_roots(std::vector<double> sums) {
    for (double& s : sums) s = std::sqrt(s);
    return sums;
}

// P drawn and normalised on the host once, then kept in the backend's memory.
class DenseStored final : public Projection {
public:
    DenseStored(Backend& be, const ProjectionSpec& spec)
        : dim_full_(spec.dim_full), dim_sub_(spec.dim_sub) {
        std::vector<float> p(dim_full_ * dim_sub_);
        auto norms = square_roots(column_sums_of_squares(be, spec.seed, dim_full_, dim_sub_, p.data()));
        be.parallel_for(dim_full_, [&](size_t r) {
            dense::normalise_row(norms.data(), dim_sub_, p.data() + r * dim_sub_);
        });
        p_ = Buffer<float>(be, p);
    }
    std::string name() const override { return "dense"; }
    size_t dim_full() const override { return dim_full_; }
    size_t dim_sub() const override { return dim_sub_; }
    size_t memory_bytes() const override { return p_.size() * sizeof(float); }

    void expand(Backend& be, const float* x, float beta, float* y) override {  // y = P·x + βy
        be.gemm(Transpose::no, Transpose::no, int(dim_full_), 1, int(dim_sub_), 1.0f, p_.data(),
                int(dim_sub_), x, 1, beta, y, 1);
    }
    void contract(Backend& be, const float* y, float* x) override {  // x = Pᵀ·y
        be.gemm(Transpose::yes, Transpose::no, int(dim_sub_), 1, int(dim_full_), 1.0f, p_.data(),
                int(dim_sub_), y, 1, 0.0f, x, 1);
    }

private:
    size_t dim_full_, dim_sub_;
    Buffer<float> p_;
};

// The same P, a tile of rows at a time, each made by the backend: O(D·d) generation per call,
// O(tile + d) memory.
class DenseTiled final : public Projection {
public:
    DenseTiled(Backend& be, const ProjectionSpec& spec)
        : dim_full_(spec.dim_full), dim_sub_(spec.dim_sub), seed_(spec.seed),
          norms_(be, square_roots(column_sums_of_squares(be, seed_, dim_full_, dim_sub_, nullptr))),
          tile_rows_(std::max<size_t>(1, kTileFloats / dim_sub_)),
          tile_(be, std::min(tile_rows_, dim_full_) * dim_sub_) {}
    std::string name() const override { return "dense-tiled"; }
    size_t dim_full() const override { return dim_full_; }
    size_t dim_sub() const override { return dim_sub_; }
    size_t memory_bytes() const override {
        return tile_.size() * sizeof(float) + norms_.size() * sizeof(double);
    }

    void expand(Backend& be, const float* x, float beta, float* y) override {
        for (size_t row = 0; row < dim_full_; row += tile_rows_) {
            size_t n = make_tile(be, row);
            be.gemm(Transpose::no, Transpose::no, int(n), 1, int(dim_sub_), 1.0f, tile_.data(),
                    int(dim_sub_), x, 1, beta, y + row, 1);
        }
    }
    void contract(Backend& be, const float* y, float* x) override {  // x = Σ_tiles P_tileᵀ·y_tile
        for (size_t row = 0; row < dim_full_; row += tile_rows_) {
            size_t n = make_tile(be, row);
            be.gemm(Transpose::yes, Transpose::no, int(dim_sub_), 1, int(n), 1.0f, tile_.data(),
                    int(dim_sub_), y + row, 1, row == 0 ? 0.0f : 1.0f, x, 1);
        }
    }

private:
    size_t dim_full_, dim_sub_;
    uint64_t seed_;
    Buffer<double> norms_;
    size_t tile_rows_;
    Buffer<float> tile_;

    size_t make_tile(Backend& be, size_t row_begin) {  // returns the number of rows made
        size_t n = std::min(tile_rows_, dim_full_ - row_begin);
        be.dense_projection_rows(seed_, row_begin, n, dim_sub_, norms_.data(), tile_.data());
        return n;
    }
};

}  // namespace

std::vector<double> dense_column_norms(uint64_t seed, size_t dim_full, size_t dim_sub) {
    return square_roots(column_sums_of_squares(default_backend(), seed, dim_full, dim_sub, nullptr));
}

std::unique_ptr<Projection> make_dense_stored(Backend& be, const ProjectionSpec& spec) {
    return std::make_unique<DenseStored>(be, spec);
}

std::unique_ptr<Projection> make_dense_tiled(Backend& be, const ProjectionSpec& spec) {
    return std::make_unique<DenseTiled>(be, spec);
}

}  // namespace idim
