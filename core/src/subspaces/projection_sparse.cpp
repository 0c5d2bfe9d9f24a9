// Very sparse random projection (Li, Hastie & Church 2006) as the original builds it: per
// parameter group of n entries, density p = 1/√n and non-zeros ±√(1/p); then every column is
// divided by its norm over the whole network. Column j's non-zero rows in each group are drawn by
// geometric skips (gap = ⌊log u / log(1−p)⌋, u uniform in (0, 1]) from
// CounterRng(seed, sparse_projection) at indices j·2^32 + draw, so the cost is O(nnz), not O(D·d).
#include <algorithm>
#include <cmath>
#include <vector>

#include "idim/buffer.h"
#include "idim/rng.h"
#include "subspaces/projection_kinds.h"

namespace idim {
namespace {

struct Column {                 // the non-zeros of one column of P, rows ascending
    std::vector<int32_t> rows;
    std::vector<float> values;
};

// u in (0, 1] from 52 bits (exact: (k + 1)·2^-52), so log u is finite.
double unit_open_below(const PhiloxCounter& bits) {
    uint64_t k = (uint64_t(bits[0] >> 12) << 32) | bits[1];
    return double(k + 1) * 0x1p-52;
}

Column draw_column(const CounterRng& rng, uint32_t column, const std::vector<ParamGroup>& groups) {
    Column out;
    std::vector<double> scale;       // √(1/p) of each non-zero, before column normalisation
    uint64_t draw = uint64_t(column) << 32;
    double norm_sq = 0;
    for (const ParamGroup& group : groups) {
        double density = 1.0 / std::sqrt(double(group.size));
        double value = std::sqrt(1.0 / density);
        double log_miss = density < 1.0 ? exact_log(1.0 - density) : 0.0;  // log(1 − p)
        for (size_t pos = 0;;) {
            PhiloxCounter bits = rng.bits(draw++);
            if (log_miss < 0.0) {  // skip ⌊log u / log(1−p)⌋ zeros (none when p = 1)
                double gap = exact_log(unit_open_below(bits)) / log_miss;
                if (gap >= double(group.size - pos)) break;
                pos += size_t(gap);
            }
            if (pos >= group.size) break;
            out.rows.push_back(int32_t(group.offset + pos));
            scale.push_back(bits[2] & 1 ? -value : value);
            norm_sq += value * value;
            ++pos;
        }
    }
    double norm = std::sqrt(norm_sq);  // an empty column stays zero
    for (double s : scale) out.values.push_back(float(s / norm));
    return out;
}

// A CSR matrix being built on the host.
struct HostCsr {
    int64_t rows = 0, cols = 0;
    std::vector<int64_t> row_start;       // (rows + 1)
    std::vector<int32_t> col_index;       // (nnz)
    std::vector<float> value;             // (nnz)
};

// The same matrix in a backend's memory, and its view for the kernels.
struct BackendCsr {
    BackendCsr(Backend& be, const HostCsr& h)
        : row_start(be, h.row_start), col_index(be, h.col_index), value(be, h.value),
          view{h.rows, h.cols, int64_t(h.value.size()), row_start.data(), col_index.data(),
               value.data()} {}
    Buffer<int64_t> row_start;
    Buffer<int32_t> col_index;
    Buffer<float> value;
    SparseMatrix view;
};

// CSR of the columns as rows (d × D): Pᵀ.
HostCsr columns_as_rows(const std::vector<Column>& columns, size_t dim_full) {
    HostCsr t;
    t.rows = int64_t(columns.size());
    t.cols = int64_t(dim_full);
    t.row_start.assign(columns.size() + 1, 0);
    for (size_t j = 0; j < columns.size(); ++j)
        t.row_start[j + 1] = t.row_start[j] + int64_t(columns[j].rows.size());
    t.col_index.resize(t.row_start.back());
    t.value.resize(t.row_start.back());
    for (size_t j = 0; j < columns.size(); ++j) {
        std::copy(columns[j].rows.begin(), columns[j].rows.end(), t.col_index.begin() + t.row_start[j]);
        std::copy(columns[j].values.begin(), columns[j].values.end(), t.value.begin() + t.row_start[j]);
    }
    return t;
}

HostCsr transpose(const HostCsr& a) {  // counting sort by column; rows stay ascending
    HostCsr t;
    t.rows = a.cols;
    t.cols = a.rows;
    t.row_start.assign(size_t(a.cols) + 1, 0);
    for (int32_t c : a.col_index) ++t.row_start[size_t(c) + 1];
    for (int64_t r = 0; r < a.cols; ++r) t.row_start[r + 1] += t.row_start[r];
    t.col_index.resize(a.col_index.size());
    t.value.resize(a.value.size());
    std::vector<int64_t> next(t.row_start.begin(), t.row_start.end() - 1);
    for (int64_t r = 0; r < a.rows; ++r)
        for (int64_t p = a.row_start[r]; p < a.row_start[r + 1]; ++p) {
            int64_t q = next[a.col_index[p]]++;
            t.col_index[q] = int32_t(r);
            t.value[q] = a.value[p];
        }
    return t;
}

class SparseProjection final : public Projection {
public:
    SparseProjection(Backend& be, const ProjectionSpec& spec)
        : dim_full_(spec.dim_full), dim_sub_(spec.dim_sub) {
        std::vector<ParamGroup> groups = spec.groups;
        if (groups.empty()) groups.push_back({"all", 0, dim_full_, true, 0});
        CounterRng rng(spec.seed, Stream::sparse_projection);
        std::vector<Column> columns(dim_sub_);
        be.parallel_for(dim_sub_, [&](size_t j) { columns[j] = draw_column(rng, uint32_t(j), groups); });
        HostCsr pt = columns_as_rows(columns, dim_full_);
        pt_ = std::make_unique<BackendCsr>(be, pt);
        p_ = std::make_unique<BackendCsr>(be, transpose(pt));
    }
    std::string name() const override { return "sparse"; }
    size_t dim_full() const override { return dim_full_; }
    size_t dim_sub() const override { return dim_sub_; }
    size_t memory_bytes() const override {
        return 2 * (p_->value.size() * (sizeof(float) + sizeof(int32_t))) +
               (p_->row_start.size() + pt_->row_start.size()) * sizeof(int64_t);
    }
    // Both P and Pᵀ are kept so that both products read rows (gather, no scatter).
    void expand(Backend& be, const float* x, float beta, float* y) override {
        be.sparse_gemv(p_->view, 1.0f, x, beta, y);
    }
    void contract(Backend& be, const float* y, float* x) override {
        be.sparse_gemv(pt_->view, 1.0f, y, 0.0f, x);
    }

private:
    size_t dim_full_, dim_sub_;
    std::unique_ptr<BackendCsr> p_, pt_;  // D × d and d × D
};

}  // namespace

std::unique_ptr<Projection> make_sparse(Backend& be, const ProjectionSpec& spec) {
    return std::make_unique<SparseProjection>(be, spec);
}

}  // namespace idim
