// The arithmetic of compression bounds (bound.h): one-dimensional k-means, the description
// length of a quantised vector, Bernoulli kl and its inverse, and Occam's razor bound.
#include "idim/bound.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "idim/error.h"

namespace idim {

std::vector<float> Quantised::values() const {
    std::vector<float> out(codes.size());
    for (size_t i = 0; i < codes.size(); ++i) out[i] = codebook[codes[i]];
    return out;
}

namespace {

// Optimal k-means on sorted values by dynamic programming (Wang & Song 2011, "Ckmeans.1d.dp"):
// in one dimension the clusters of an optimum are runs of the sorted values, so the best split
// of the first j values into m runs extends a best split into m − 1 runs; the split points are
// monotone in j, which divide and conquer uses: O(levels · n log n).
class RunSplitter {
public:
    explicit RunSplitter(const std::vector<double>& sorted) : s1_(sorted.size() + 1, 0.0), s2_(s1_) {
        for (size_t i = 0; i < sorted.size(); ++i) {
            s1_[i + 1] = s1_[i] + sorted[i];
            s2_[i + 1] = s2_[i] + sorted[i] * sorted[i];
        }
    }
    // Squared error of values [i, j) about their mean.
    double cost(size_t i, size_t j) const {
        const double sum = s1_[j] - s1_[i];
        return std::max(0.0, (s2_[j] - s2_[i]) - sum * sum / double(j - i));
    }
    // The run starts of the best split into `levels` runs.
    std::vector<size_t> starts(size_t levels) const {
        const size_t n = s1_.size() - 1;
        std::vector<double> prev(n + 1), cur(n + 1);
        std::vector<std::vector<uint32_t>> from(levels, std::vector<uint32_t>(n + 1, 0));
        for (size_t j = 1; j <= n; ++j) prev[j] = cost(0, j);
        for (size_t m = 1; m < levels; ++m) {   // m + 1 runs over the first j values, j > m
            solve(m, n, m, n - 1, prev, cur, from[m]);
            std::swap(prev, cur);
        }
        std::vector<size_t> out(levels);
        size_t j = n;
        for (size_t m = levels; m-- > 0;) {
            out[m] = m == 0 ? 0 : from[m][j];
            j = out[m];
        }
        return out;
    }

private:
    std::vector<double> s1_, s2_;   // prefix sums of x and x²

    // cur[j] for j in [lo, hi]: the best last run [i, j) with i in [opt_lo, opt_hi].
    void solve(size_t m, size_t n, size_t opt_lo, size_t opt_hi, const std::vector<double>& prev,
               std::vector<double>& cur, std::vector<uint32_t>& from) const {
        struct Range { size_t lo, hi, opt_lo, opt_hi; };
        std::vector<Range> stack = {{m + 1, n, opt_lo, opt_hi}};
        while (!stack.empty()) {
            Range r = stack.back();
            stack.pop_back();
            if (r.lo > r.hi) continue;
            const size_t mid = (r.lo + r.hi) / 2;
            double best = std::numeric_limits<double>::infinity();
            size_t arg = r.opt_lo;
            for (size_t i = r.opt_lo; i <= std::min(mid - 1, r.opt_hi); ++i) {
                const double c = prev[i] + cost(i, mid);
                if (c < best) best = c, arg = i;
            }
            cur[mid] = best;
            from[mid] = uint32_t(arg);
            if (mid > r.lo) stack.push_back({r.lo, mid - 1, r.opt_lo, arg});
            stack.push_back({mid + 1, r.hi, arg, r.opt_hi});
        }
    }
};

}  // namespace

Quantised kmeans_quantise(std::span<const float> values, int levels) {
    require(!values.empty(), "quantise: no values");
    require(levels >= 1, "quantise: levels must be at least 1, got ", levels);
    std::vector<size_t> order(values.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
    std::vector<double> sorted(values.size());
    for (size_t i = 0; i < order.size(); ++i) sorted[i] = values[order[i]];
    const size_t runs = std::min(size_t(levels), sorted.size());
    std::vector<size_t> starts = RunSplitter(sorted).starts(runs);
    starts.push_back(sorted.size());
    Quantised q;
    q.codes.resize(values.size());
    for (size_t r = 0; r < runs; ++r) {
        double sum = 0;
        for (size_t i = starts[r]; i < starts[r + 1]; ++i) sum += sorted[i];
        const float centre = float(sum / double(starts[r + 1] - starts[r]));
        if (q.codebook.empty() || centre != q.codebook.back()) q.codebook.push_back(centre);  // ties merge
        for (size_t i = starts[r]; i < starts[r + 1]; ++i) q.codes[order[i]] = uint32_t(q.codebook.size() - 1);
    }
    return q;
}

double elias_gamma_bits(uint64_t x) {
    require(x >= 1, "Elias γ codes numbers from 1");
    int floor_log2 = 63 - __builtin_clzll(x);
    return 2.0 * floor_log2 + 1;
}

double configuration_bits(uint64_t seed, uint64_t d, int levels) {
    require(levels >= 1 && levels <= 256, "the code names 1 to 256 levels, got ", levels);
    return elias_gamma_bits(seed + 1) + elias_gamma_bits(d) + 8 + kConfigurationFlagBits;
}

DescriptionLength description_length(const Quantised& q, uint64_t seed, bool pretrained_start) {
    const size_t d = q.codes.size(), levels = q.codebook.size();
    require(d >= 1 && levels >= 1, "description length: an empty quantised vector");
    std::vector<uint64_t> count(levels, 0);
    for (uint32_t c : q.codes) {
        require(c < levels, "description length: code ", c, " beyond ", levels, " levels");
        ++count[c];
    }
    // log₂ of the multinomial coefficient d! / Π n_j!: the number of orders with these counts,
    // which enumerative coding (or arithmetic coding with the counts known) reaches.
    double log_multinomial = std::lgamma(double(d) + 1);
    for (uint64_t n : count) log_multinomial -= std::lgamma(double(n) + 1);
    DescriptionLength bits;
    bits.configuration = configuration_bits(seed, d, int(levels));
    bits.counts = double(levels - 1) * std::ceil(std::log2(double(d) + 1));
    // ceil, but a sum of lgammas that should be an integer number of bits may sit 1e-9 above it
    bits.codes = std::ceil(log_multinomial / std::log(2.0) - 1e-9);
    bits.codebook = 32.0 * double(levels);
    bits.start = pretrained_start ? kStartingPointBits : 0.0;
    return bits;
}

double kl_bernoulli(double q, double p) {
    auto term = [](double a, double b) {   // a·ln(a / b) with 0·ln 0 = 0
        if (a == 0) return 0.0;
        if (b == 0) return std::numeric_limits<double>::infinity();
        return a * std::log(a / b);
    };
    return term(q, p) + term(1 - q, 1 - p);
}

double kl_inverse_upper(double q, double c) {
    require(q >= 0 && q <= 1 && c >= 0, "kl inverse: needs q in [0, 1] and c ≥ 0");
    double lo = q, hi = 1.0;   // kl(q ‖ p) rises from 0 at p = q to +∞ at p = 1 (q < 1)
    if (q == 1 || kl_bernoulli(q, hi) <= c) return 1.0;
    while (hi - lo > 1e-12) {
        const double mid = 0.5 * (lo + hi);
        (kl_bernoulli(q, mid) > c ? hi : lo) = mid;
    }
    return hi;   // above the exact answer by less than 1e-12: still a valid bound
}

OccamBound occam_bound(double train_error, size_t n, double bits, double delta) {
    require(train_error >= 0 && train_error <= 1, "bound: the training error must be in [0, 1]");
    require(n >= 1, "bound: needs at least one training example");
    require(bits >= 0, "bound: the description length must not be negative");
    require(delta > 0 && delta < 1, "bound: δ must be in (0, 1), got ", delta);
    OccamBound b;
    b.train_error = train_error;
    b.n = n;
    b.bits = bits;
    b.delta = delta;
    b.complexity = (bits * std::log(2.0) + std::log(1.0 / delta)) / double(n);
    b.kl = kl_inverse_upper(train_error, b.complexity);
    b.hoeffding = std::min(1.0, train_error + std::sqrt(b.complexity / 2));
    return b;
}

}  // namespace idim
