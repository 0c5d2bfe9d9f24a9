// The seeded transforms: determinism (same seed same result, other seed other result), the pixel
// permutation is one bijection shared by train and test, label noise replaces the asked fraction,
// normalise gives train mean 0 / std 1 per channel, subsets and 2×2 pooling by known answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "idim/dataset.h"
#include "idim/error.h"

namespace idim {
namespace {

// n images of h×w×c whose every value is its own index in `images` (unique), so where a value ends
// up shows where it came from; labels cycle through the classes.
Dataset numbered(size_t n, int h, int w, int c, int classes = 10) {
    Dataset d;
    d.height = h;
    d.width = w;
    d.channels = c;
    d.classes = classes;
    d.images.resize(n * d.sample_size());
    for (size_t i = 0; i < d.images.size(); ++i) d.images[i] = float(i);
    for (size_t i = 0; i < n; ++i) d.labels.push_back(int32_t(i % classes));
    return d;
}

TEST(Normalise, TrainHasMeanZeroStdOnePerChannel) {
    Dataset train = numbered(50, 4, 4, 3), test = numbered(7, 4, 4, 3);
    for (size_t i = 0; i < train.images.size(); ++i)  // channels with different scales
        train.images[i] = std::sin(float(i)) * float(1 + i % 3) + float(i % 3);
    const float probe = test.images[5];  // channel 5 % 3 = 2
    // The test map must use train's statistics, so compute them independently here.
    double sum = 0, sum_sq = 0, count = 0;
    for (size_t i = 2; i < train.images.size(); i += 3, ++count) {
        sum += train.images[i];
        sum_sq += double(train.images[i]) * train.images[i];
    }
    const double mean2 = sum / count, std2 = std::sqrt(sum_sq / count - mean2 * mean2);
    normalise(train, test);
    for (size_t c = 0; c < 3; ++c) {
        double s = 0, s2 = 0, n = 0;
        for (size_t i = c; i < train.images.size(); i += 3, ++n) {
            s += train.images[i];
            s2 += double(train.images[i]) * train.images[i];
        }
        EXPECT_NEAR(s / n, 0.0, 1e-5);          // float rounding of ~800 values of size ~3
        EXPECT_NEAR(s2 / n - (s / n) * (s / n), 1.0, 1e-5);
    }
    EXPECT_NEAR(test.images[5], (probe - mean2) / std2, 1e-4 * std::abs(probe / std2));  // float
}

TEST(Normalise, ConstantChannelDoesNotDivideByZero) {
    Dataset train = numbered(4, 2, 2, 1), test = numbered(1, 2, 2, 1);
    std::fill(train.images.begin(), train.images.end(), 0.5f);
    normalise(train, test);
    for (float v : train.images) EXPECT_EQ(v, 0.0f);
    for (float v : test.images) EXPECT_TRUE(std::isfinite(v));
}

TEST(PermutePixels, OneBijectionSharedByTrainAndTest) {
    Dataset train = numbered(3, 5, 4, 2), test = numbered(2, 5, 4, 2);
    const Dataset train0 = train, test0 = test;
    permute_pixels(train, test, 11);
    const size_t positions = 20, channels = 2, sample = 40;
    // Recover the permutation from train's first image and check it is a bijection.
    std::vector<size_t> source(positions);
    std::set<size_t> seen;
    for (size_t p = 0; p < positions; ++p) {
        source[p] = size_t(train.images[p * channels]) / channels;
        seen.insert(source[p]);
        EXPECT_EQ(train.images[p * channels + 1], train0.images[source[p] * channels + 1]);  // channels travel together
    }
    EXPECT_EQ(seen.size(), positions);
    size_t moved = 0;
    for (size_t p = 0; p < positions; ++p) moved += source[p] != p;
    EXPECT_GT(moved, positions / 2);  // a random permutation of 20 fixes ~1 position
    for (const auto& [after, before] : {std::pair{&train, &train0}, std::pair{&test, &test0}})
        for (size_t i = 0; i < after->size(); ++i)
            for (size_t p = 0; p < positions; ++p)
                for (size_t c = 0; c < channels; ++c)
                    EXPECT_EQ(after->images[i * sample + p * channels + c],
                              before->images[i * sample + source[p] * channels + c]);
    EXPECT_EQ(train.labels, train0.labels);
}

TEST(PermutePixels, SameSeedSameResultOtherSeedOther) {
    Dataset a = numbered(2, 28, 28, 1), b = a, c = a, t1 = numbered(1, 28, 28, 1), t2 = t1, t3 = t1;
    permute_pixels(a, t1, 5);
    permute_pixels(b, t2, 5);
    permute_pixels(c, t3, 6);
    EXPECT_EQ(a.images, b.images);
    EXPECT_NE(a.images, c.images);
}

TEST(RandomiseLabels, ReplacesTheAskedFraction) {
    const Dataset original = numbered(10000, 1, 1, 1);
    Dataset noisy = original;
    randomise_labels(noisy, 0.3, 1);
    size_t changed = 0;
    for (size_t i = 0; i < noisy.size(); ++i) {
        EXPECT_GE(noisy.labels[i], 0);
        EXPECT_LT(noisy.labels[i], 10);
        changed += noisy.labels[i] != original.labels[i];
    }
    // 3000 replaced, each keeps its label with chance 1/10: changed ~ 2700, binomial sd ~16;
    // 5 sd allowed.
    EXPECT_NEAR(double(changed), 2700.0, 80.0);
    EXPECT_EQ(noisy.images, original.images);
}

TEST(RandomiseLabels, AllLabelsReplacedAreUniform) {
    Dataset noisy = numbered(10000, 1, 1, 1);
    std::fill(noisy.labels.begin(), noisy.labels.end(), 0);
    randomise_labels(noisy, 1.0, 2);
    std::vector<int> count(10, 0);
    for (int32_t label : noisy.labels) ++count[label];
    for (int c : count) EXPECT_NEAR(c, 1000, 150);  // binomial sd 30; 5 sd
}

TEST(RandomiseLabels, SameSeedSameResultOtherSeedOther) {
    Dataset a = numbered(1000, 1, 1, 1), b = a, c = a, zero = a;
    randomise_labels(a, 0.5, 9);
    randomise_labels(b, 0.5, 9);
    randomise_labels(c, 0.5, 10);
    randomise_labels(zero, 0.0, 9);
    EXPECT_EQ(a.labels, b.labels);
    EXPECT_NE(a.labels, c.labels);
    EXPECT_EQ(zero.labels, numbered(1000, 1, 1, 1).labels);
}

TEST(RandomiseLabels, FractionOutsideUnitIntervalIsAnError) {
    Dataset d = numbered(10, 1, 1, 1);
    EXPECT_THROW(randomise_labels(d, -0.1, 0), Error);
    EXPECT_THROW(randomise_labels(d, 1.5, 0), Error);
    EXPECT_THROW(randomise_labels(d, std::nan(""), 0), Error);
}

TEST(KeepSubset, KeepsDistinctPairsInOrder) {
    Dataset d = numbered(100, 2, 2, 1, 7);
    keep_subset(d, 30, 4);
    ASSERT_EQ(d.size(), 30u);
    ASSERT_EQ(d.images.size(), 120u);
    for (size_t k = 0; k < 30; ++k) {
        const size_t origin = size_t(d.images[k * 4]) / 4;  // numbered(): first value = index·4
        EXPECT_EQ(d.labels[k], int32_t(origin % 7));          // label stayed with its image
        for (size_t j = 0; j < 4; ++j) EXPECT_EQ(d.images[k * 4 + j], float(origin * 4 + j));
        if (k > 0) EXPECT_GT(d.images[k * 4], d.images[(k - 1) * 4]);  // distinct, file order kept
    }
}

TEST(KeepSubset, SameSeedSameResultOtherSeedOther) {
    Dataset a = numbered(100, 1, 1, 1), b = a, c = a;
    keep_subset(a, 10, 1);
    keep_subset(b, 10, 1);
    keep_subset(c, 10, 2);
    EXPECT_EQ(a.images, b.images);
    EXPECT_NE(a.images, c.images);
}

TEST(KeepSubset, MoreThanAvailableIsAnError) {
    Dataset d = numbered(10, 1, 1, 1);
    EXPECT_THROW(keep_subset(d, 11, 0), Error);
    keep_subset(d, 10, 0);
    EXPECT_EQ(d.size(), 10u);
}

TEST(Downsample2x, AveragesEachTwoByTwoBlock) {
    Dataset d = numbered(2, 4, 6, 2, 3);
    const Dataset half = downsample2x(d);
    EXPECT_EQ(half.height, 2);
    EXPECT_EQ(half.width, 3);
    EXPECT_EQ(half.channels, 2);
    EXPECT_EQ(half.labels, d.labels);
    for (size_t i = 0; i < 2; ++i)
        for (size_t y = 0; y < 2; ++y)
            for (size_t x = 0; x < 3; ++x)
                for (size_t c = 0; c < 2; ++c) {
                    auto at = [&](size_t yy, size_t xx) { return d.image(i)[(yy * 6 + xx) * 2 + c]; };
                    const float expect = (at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) +
                                          at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1)) / 4;
                    EXPECT_FLOAT_EQ(half.image(i)[(y * 3 + x) * 2 + c], expect);
                }
    EXPECT_THROW(downsample2x(numbered(1, 3, 4, 1)), Error);
}

TEST(ApplyDataOptions, SubsetThenNoiseThenPixelsThenNormalise) {
    DataSplit split{numbered(200, 4, 4, 1), numbered(50, 4, 4, 1), "fixture"};
    DataOptions options;
    options.train_size = 100;
    options.shuffle_labels_fraction = 0.5;
    options.shuffle_pixels_seed = 3;
    options.seed = 8;
    DataSplit again = split;
    apply_data_options(split, options);
    apply_data_options(again, options);
    EXPECT_EQ(split.train.size(), 100u);
    EXPECT_EQ(split.test.size(), 50u);
    EXPECT_EQ(split.train.images, again.train.images);
    EXPECT_EQ(split.train.labels, again.train.labels);
    double sum = 0;
    for (float v : split.train.images) sum += v;
    EXPECT_NEAR(sum / double(split.train.images.size()), 0.0, 1e-5);  // float rounding
    EXPECT_NE(split.description.find("train subset 100"), std::string::npos);
    options.train_size = 101;
    EXPECT_THROW(apply_data_options(split, options), Error);  // only 100 left now
}

}  // namespace
}  // namespace idim
