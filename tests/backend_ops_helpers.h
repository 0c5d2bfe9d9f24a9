// Shared helpers of the backend-op tests: the backends, random inputs, bitwise and bounded
// comparisons, arrays moved into a backend's memory. Header-only so each test_backend_ops*.cpp
// stays a single GoogleTest executable.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "idim/backend.h"
#include "idim/buffer.h"
#include "idim/error.h"

namespace idim::testing {

inline constexpr double unit_roundoff = 1.0 / (1 << 24);  // float: 2⁻²⁴
inline const size_t tail_sizes[] = {1, 3, 7, 8, 15, 16, 17, 33, 1023, 1025, 4099};

inline Backend& fast() { return backend_by_name("cpu"); }   // the host-array tests' fast backend
inline Backend& ref() { return backend_by_name("reference"); }

// The registered backend of that name, or null with why it cannot run here (cuda without a GPU).
inline Backend* backend_or_why(const std::string& name, std::string& why) {
    try {
        return &backend_by_name(name);
    } catch (const Error& e) {
        why = e.what();
        return nullptr;
    }
}

// host's values in be's memory
template <class T>
Buffer<T> on(Backend& be, const std::vector<T>& host) {
    return Buffer<T>(be, std::span<const T>(host));
}

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
