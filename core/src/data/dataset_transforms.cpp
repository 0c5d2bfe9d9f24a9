// The seeded data transforms of the experiments (Li et al. 2018: shuffled pixels, shuffled labels,
// smaller training sets) and the per-channel normalisation. Each is a pure function of its inputs
// and seed: randomness comes from CounterRng streams, so results match natively and in the browser.
#include "idim/dataset.h"
#include "idim/error.h"
#include "idim/rng.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

namespace idim {
namespace {

std::vector<uint32_t> permutation(uint64_t seed, Stream stream, size_t n) {
    require(n <= std::numeric_limits<uint32_t>::max(), "data set too large to permute");
    std::vector<uint32_t> order(n);
    random_permutation(CounterRng(seed, stream), uint32_t(n), order.data());
    return order;
}

// Rearranges the pixel positions (all channels of a position move together) of every image:
// new position p takes old position order[p].
void apply_pixel_order(Dataset& d, const std::vector<uint32_t>& order) {
    const size_t channels = d.channels, sample = d.sample_size();
    std::vector<float> moved(sample);
    for (size_t i = 0; i < d.size(); ++i) {
        float* image = d.images.data() + i * sample;
        for (size_t p = 0; p < order.size(); ++p)
            std::copy_n(image + order[p] * channels, channels, moved.data() + p * channels);
        std::copy(moved.begin(), moved.end(), image);
    }
}

}  // namespace

void normalise(Dataset& train, Dataset& test) {
    require(train.size() > 0, "normalise: the training set is empty");
    require(test.channels == train.channels, "normalise: train and test differ in channels");
    const size_t channels = train.channels;
    // Sums in double: 47M float pixels would lose digits in a float accumulator.
    std::vector<double> sum(channels, 0.0), sum_sq(channels, 0.0);
    for (size_t i = 0; i < train.images.size(); ++i) {
        sum[i % channels] += train.images[i];
        sum_sq[i % channels] += double(train.images[i]) * train.images[i];
    }
    const double count = double(train.images.size() / channels);
    std::vector<float> mean(channels), inv_std(channels);
    for (size_t c = 0; c < channels; ++c) {
        const double m = sum[c] / count, var = std::max(0.0, sum_sq[c] / count - m * m);
        mean[c] = float(m);
        inv_std[c] = var > 0.0 ? float(1.0 / std::sqrt(var)) : 1.0f;  // a constant channel stays 0
    }
    for (Dataset* d : {&train, &test})
        for (size_t i = 0; i < d->images.size(); ++i)
            d->images[i] = (d->images[i] - mean[i % channels]) * inv_std[i % channels];
}

void permute_pixels(Dataset& train, Dataset& test, uint64_t seed) {
    require(train.height == test.height && train.width == test.width &&
                train.channels == test.channels,
            "permute_pixels: train and test images differ in shape");
    const auto order = permutation(seed, Stream::pixel_permutation, size_t(train.height) * train.width);
    apply_pixel_order(train, order);
    apply_pixel_order(test, order);
}

void randomise_labels(Dataset& train, double fraction, uint64_t seed) {
    require(fraction >= 0.0 && fraction <= 1.0,
            "label noise fraction " + std::to_string(fraction) + " is outside [0, 1]");
    require(train.classes > 0, "randomise_labels: the data set has no classes");
    // Exactly round(fraction·n) samples, chosen by a random permutation, get a label drawn
    // uniformly over all classes (so about 1/classes of them keep their old label by chance).
    const size_t n = train.size(), replaced = size_t(std::llround(fraction * double(n)));
    if (replaced == 0) return;
    const auto order = permutation(seed, Stream::label_noise, n);
    const CounterRng rng(seed, Stream::label_noise);
    for (size_t k = 0; k < replaced; ++k)  // indices from n on are unused by random_permutation
        train.labels[order[k]] = int32_t(rng.below(uint64_t(n) + k, uint32_t(train.classes)));
}

void keep_subset(Dataset& train, size_t n, uint64_t seed) {
    require(n <= train.size(), "training subset of " + std::to_string(n) + " samples asked, but only " +
                                   std::to_string(train.size()) + " are available");
    // A uniformly random n-subset, kept in the original order.
    auto order = permutation(seed, Stream::train_subset, train.size());
    order.resize(n);
    std::sort(order.begin(), order.end());
    const size_t sample = train.sample_size();
    for (size_t k = 0; k < n; ++k) {  // order[k] >= k, so moving forward in place is safe
        train.labels[k] = train.labels[order[k]];
        std::copy_n(train.images.begin() + order[k] * sample, sample, train.images.begin() + k * sample);
    }
    train.labels.resize(n);
    train.images.resize(n * sample);
}

Dataset downsample2x(const Dataset& d) {
    require(d.height % 2 == 0 && d.width % 2 == 0,
            "downsample2x: image size " + std::to_string(d.height) + "x" + std::to_string(d.width) +
                " is not even");
    Dataset out;
    out.height = d.height / 2;
    out.width = d.width / 2;
    out.channels = d.channels;
    out.classes = d.classes;
    out.labels = d.labels;
    out.images.resize(d.size() * out.sample_size());
    const size_t c_n = d.channels, row = size_t(d.width) * c_n;
    float* dst = out.images.data();
    for (size_t i = 0; i < d.size(); ++i) {
        const float* src = d.image(i);
        for (int y = 0; y < out.height; ++y)
            for (int x = 0; x < out.width; ++x)
                for (size_t c = 0; c < c_n; ++c) {
                    const float* p = src + (2 * y) * row + (2 * x) * c_n + c;
                    *dst++ = 0.25f * (p[0] + p[c_n] + p[row] + p[row + c_n]);
                }
    }
    return out;
}

void apply_data_options(DataSplit& split, const DataOptions& options) {
    if (!options.classes.empty()) {
        keep_classes(split.train, options.classes);
        keep_classes(split.test, options.classes);
    }
    if (options.train_size > 0) keep_subset(split.train, options.train_size, options.seed);
    randomise_labels(split.train, options.shuffle_labels_fraction, options.seed);
    if (options.shuffle_pixels_seed) permute_pixels(split.train, split.test, *options.shuffle_pixels_seed);
    normalise(split.train, split.test);
    std::string& text = split.description;
    if (!options.classes.empty()) {
        text += "; classes";
        for (size_t i = 0; i < options.classes.size(); ++i)
            text += (i ? "," : " ") + std::to_string(options.classes[i]);
        text += " as 0.." + std::to_string(options.classes.size() - 1) + " (" +
                std::to_string(split.train.size()) + " train / " + std::to_string(split.test.size()) +
                " test)";
    }
    if (options.train_size > 0) text += "; train subset " + std::to_string(options.train_size);
    if (options.shuffle_labels_fraction > 0)
        text += "; label noise " + std::to_string(options.shuffle_labels_fraction);
    if (options.shuffle_pixels_seed)
        text += "; pixels permuted (seed " + std::to_string(*options.shuffle_pixels_seed) + ")";
    text += "; normalised per channel by train mean/std";
}

}  // namespace idim
