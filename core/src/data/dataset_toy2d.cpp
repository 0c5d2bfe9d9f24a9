// Two spirals and concentric circles (toy2d.h). Point i of a split takes its class from i's parity
// and its position from counter-based draws at indices derived from (split, i), so the data are a
// pure function of the seed.
#include <cmath>
#include <numbers>

#include "idim/error.h"
#include "idim/rng.h"
#include "idim/toy2d.h"

namespace idim {
namespace {

using PointFn = void (*)(const CounterRng& rng, uint64_t index, int label, float* xy);

// Arm `label` of a spiral of 1.5 turns: radius grows with the angle; sqrt spreads points evenly
// along the arm.
void spiral_point(const CounterRng& rng, uint64_t index, int label, float* xy) {
    const double turns = 1.5, pi = std::numbers::pi;
    double t = std::sqrt(double(rng.uniform(4 * index))) * turns * 2 * pi;
    double r = t / (turns * 2 * pi);
    double angle = t + label * pi;
    xy[0] = float(r * std::cos(angle));
    xy[1] = float(r * std::sin(angle));
}

// Class 0 on the circle of radius 0.4, class 1 on radius 1.
void circle_point(const CounterRng& rng, uint64_t index, int label, float* xy) {
    double angle = rng.uniform(4 * index) * 2 * std::numbers::pi;
    double r = label == 0 ? 0.4 : 1.0;
    xy[0] = float(r * std::cos(angle));
    xy[1] = float(r * std::sin(angle));
}

Dataset make_points(PointFn point, size_t n, double noise, uint64_t seed, uint64_t split) {
    require(n >= 2, "toy2d: needs at least 2 points per split, got " + std::to_string(n));
    require(std::isfinite(noise) && noise >= 0, "toy2d: the noise must be a non-negative number");
    // Stream::toy_targets serves the synthetic tasks; the split picks a disjoint index range.
    CounterRng rng(seed, Stream::toy_targets);
    Dataset d;
    d.height = 1, d.width = 2, d.channels = 1, d.classes = 2;
    d.images.resize(2 * n);
    d.labels.resize(n);
    for (size_t i = 0; i < n; ++i) {
        uint64_t index = (split << 40) + i;
        int label = int(i % 2);
        float* xy = d.images.data() + 2 * i;
        point(rng, index, label, xy);
        xy[0] += float(noise * rng.normal(8 * index + 2));
        xy[1] += float(noise * rng.normal(8 * index + 3));
        d.labels[i] = label;
    }
    return d;
}

DataSplit make_split(PointFn point, const std::string& name, size_t n_train, size_t n_test,
                     double noise, uint64_t seed) {
    DataSplit s{make_points(point, n_train, noise, seed, 1), make_points(point, n_test, noise, seed, 2),
                name + " (2-D, noise " + std::to_string(noise) + ", seed " + std::to_string(seed) +
                    "): " + std::to_string(n_train) + " train / " + std::to_string(n_test) + " test"};
    return s;
}

}  // namespace

DataSplit two_spirals(size_t n_train, size_t n_test, double noise, uint64_t seed) {
    return make_split(spiral_point, "two spirals", n_train, n_test, noise, seed);
}

DataSplit concentric_circles(size_t n_train, size_t n_test, double noise, uint64_t seed) {
    return make_split(circle_point, "concentric circles", n_train, n_test, noise, seed);
}

DataSplit toy2d_by_name(const std::string& name, size_t n_train, size_t n_test, double noise,
                        uint64_t seed) {
    if (name == "spirals") return two_spirals(n_train, n_test, noise, seed);
    if (name == "circles") return concentric_circles(n_train, n_test, noise, seed);
    throw Error("unknown 2-D data set '" + name + "' (known: spirals, circles)");
}

}  // namespace idim
