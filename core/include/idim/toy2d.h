// Two-dimensional classification data sets (two interleaved spirals, two concentric circles):
// small enough to train in a browser in seconds, and hard enough that a linear model fails.
// Seeded by the counter-based generator; the curves use libm's sin/cos, so points may differ in
// the last bit between platforms (unlike projections, nothing here needs to be bit-identical).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "idim/dataset.h"

namespace idim {

// Points are (height 1, width 2, channels 1) images with 2 classes, half of each class; train and
// test are drawn independently from the same distribution. noise: std of the Gaussian added to
// each coordinate (the curves span about [-1, 1]).
DataSplit two_spirals(size_t n_train, size_t n_test, double noise, uint64_t seed);
DataSplit concentric_circles(size_t n_train, size_t n_test, double noise, uint64_t seed);

// "spirals" or "circles"; throws idim::Error naming the known ones otherwise.
DataSplit toy2d_by_name(const std::string& name, size_t n_train, size_t n_test, double noise,
                        uint64_t seed);

}  // namespace idim
