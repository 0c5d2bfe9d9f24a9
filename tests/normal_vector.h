// Test inputs: n normal draws (σ = 1, the given mean) from std::mt19937, so a test's inputs are
// the same on every run and independent of the project's own generator.
#pragma once
#include <cstddef>
#include <random>
#include <vector>

namespace idim::testing {

inline std::vector<float> random_vector(size_t n, unsigned seed, float mean = 0.0f) {
    std::mt19937 gen(seed);
    std::normal_distribution<float> normal(mean, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = normal(gen);
    return v;
}

}  // namespace idim::testing
