// Shared helpers of the backend-op tests: the two backends, random inputs, bitwise and bounded
// comparisons. Header-only so each test_backend_ops*.cpp stays a single GoogleTest executable.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "idim/backend.h"

namespace idim::testing {

inline constexpr double unit_roundoff = 1.0 / (1 << 24);  // float: 2⁻²⁴
inline const size_t tail_sizes[] = {1, 3, 7, 8, 15, 16, 17, 33, 1023, 1025, 4099};

inline Backend& fast() { return backend_by_name("cpu"); }
inline Backend& ref() { return backend_by_name("reference"); }

inline std::vector<float> random_vector(size_t n, unsigned seed, float scale = 1.0f) {
    std::mt19937 gen(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> v(n);
    for (float& x : v) x = normal(gen);
    return v;
}

inline void expect_bitwise_equal(const std::vector<float>& got, const std::vector<float>& want,
                                 const std::string& what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (size_t i = 0; i < got.size(); ++i)
        ASSERT_EQ(std::memcmp(&got[i], &want[i], sizeof(float)), 0)
            << what << " at " << i << ": " << got[i] << " vs " << want[i];
}

inline void expect_within(const std::vector<float>& got, const std::vector<float>& want,
                          const std::vector<double>& bound, const std::string& what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (size_t i = 0; i < got.size(); ++i)
        if (std::memcmp(&got[i], &want[i], sizeof(float)) != 0)  // same bits pass, NaN included
            ASSERT_LE(std::abs(double(got[i]) - want[i]), bound[i])
            << what << " at " << i << ": " << got[i] << " vs " << want[i];
}

}  // namespace idim::testing
