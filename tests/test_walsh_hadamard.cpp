// Backend::walsh_hadamard against the explicit Hadamard matrix, H(i, j) = (−1)^popcount(i & j),
// for every power of two up to 2^12 on every backend.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <vector>

#include "idim/backend.h"

namespace idim {
namespace {

std::vector<double> explicit_hadamard(const std::vector<float>& x) {
    size_t n = x.size();
    std::vector<double> out(n, 0.0);
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
            out[i] += std::popcount(i & j) % 2 ? -double(x[j]) : double(x[j]);
    return out;
}

TEST(WalshHadamard, SmallIntegersAreExact) {
    // |x| ≤ 8 and n ≤ 4096: every partial sum is an integer below 2^15, exact in float, so any
    // order of the butterflies must give exactly the explicit product.
    std::mt19937 gen(1);
    std::uniform_int_distribution<int> value(-8, 8);
    for (const std::string& name : backend_names())
        for (size_t n = 1; n <= 4096; n *= 2) {
            std::vector<float> x(n);
            for (float& v : x) v = float(value(gen));
            auto expected = explicit_hadamard(x);
            backend_by_name(name).walsh_hadamard(n, x.data());
            for (size_t i = 0; i < n; ++i)
                ASSERT_EQ(double(x[i]), expected[i]) << name << " n=" << n << " i=" << i;
        }
}

TEST(WalshHadamard, RealInputsMatchToRounding) {
    // Each output passes log₂n additions, each rounding by at most 2^-24 of a partial sum bounded
    // by Σ|x|: the error is ≤ log₂n·2^-24·Σ|x|.
    std::mt19937 gen(2);
    std::normal_distribution<float> normal;
    for (const std::string& name : backend_names())
        for (size_t n = 1; n <= 4096; n *= 2) {
            std::vector<float> x(n);
            double sum_abs = 0;
            for (float& v : x) sum_abs += std::abs(v = normal(gen));
            auto expected = explicit_hadamard(x);
            backend_by_name(name).walsh_hadamard(n, x.data());
            double tolerance = (std::log2(double(n)) + 1) * 0x1p-24 * sum_abs;
            for (size_t i = 0; i < n; ++i)
                ASSERT_NEAR(x[i], expected[i], tolerance) << name << " n=" << n << " i=" << i;
        }
}

TEST(WalshHadamard, AppliedTwiceScalesByN) {  // H·H = n·I, at a size past any blocking
    const size_t n = size_t(1) << 16;
    std::vector<float> x(n, 0.0f);  // Σ|x| = 12, so every partial sum of either pass is an
    x[3] = 5;                        // integer of magnitude ≤ 12·n < 2^24: exact in float
    x[40000] = -4;
    x[n - 1] = 3;
    for (const std::string& name : backend_names()) {
        std::vector<float> y = x;
        backend_by_name(name).walsh_hadamard(n, y.data());
        backend_by_name(name).walsh_hadamard(n, y.data());
        for (size_t i = 0; i < n; ++i)
            ASSERT_EQ(y[i], float(n) * x[i]) << name << " i=" << i;
    }
}

// Fastfood's contract needs only the first rows of a long transform: the same bits as the whole.
TEST(WalshHadamard, LeadingRowsAreThoseOfTheWholeTransform) {
    const size_t n = size_t(1) << 17, block = 1024, rows = 700;
    std::mt19937 gen(11);
    std::normal_distribution<float> normal;
    std::vector<float> x(n);
    for (float& v : x) v = normal(gen);
    std::vector<float> whole = x;
    backend_by_name("reference").walsh_hadamard(n, whole.data());
    for (const std::string& name : backend_names()) {
        std::vector<float> y = x;
        backend_by_name(name).walsh_hadamard_leading(n, block, rows, y.data());
        for (size_t k = 0; k < rows; ++k) ASSERT_EQ(y[k], whole[k]) << name << " k=" << k;
    }
}

}  // namespace
}  // namespace idim
