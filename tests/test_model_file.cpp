// Model files: the bytes round trip bit for bit, and every damaged or mismatched file is refused
// with a message naming the file and the fault (never a crash or a silent misread).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <zlib.h>

#include "expect_error.h"
#include "idim/model_file.h"
#include "idim/pretrained.h"
#include "idim/rng.h"
#include "synthetic_data.h"

namespace idim {
namespace {

using testing::expect_error;

const Architecture kSmallFc{{ModelKind::fc, {7, 5}}, {1, 1, 6}, 4};   // D = 49 + 40 + 24 = 113

std::vector<float> random_theta(size_t n, uint64_t seed) {
    std::vector<float> v(n);
    CounterRng rng(seed, Stream::init);
    for (size_t i = 0; i < n; ++i) v[i] = float(rng.normal(i));
    return v;
}

ModelFile small_file() {
    const size_t dim = make_model(kSmallFc.model, kSmallFc.input, kSmallFc.classes)->dim();
    std::vector<float> theta = random_theta(dim, 5);
    // values whose bits a text round trip would change: the smallest subnormal, -0, infinity, NaN
    theta[0] = std::numeric_limits<float>::denorm_min();
    theta[1] = -0.0f;
    theta[2] = std::numeric_limits<float>::infinity();
    theta[3] = std::nanf("0x12345");
    return model_file_of(kSmallFc, theta, 9, 500, "blobs", R"({"command":"train","lr":0.02})");
}

DataSplit blobs(int classes) {
    return {testing::gaussian_blobs(40, classes, 6, 1), testing::gaussian_blobs(20, classes, 6, 2), "blobs"};
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(ModelFile, RoundTripsBitForBit) {
    const ModelFile f = small_file();
    const std::string bytes = format_model_file(f);
    const ModelFile g = parse_model_file(bytes, "m.idim");
    EXPECT_TRUE(same_bits(f.values, g.values));
    EXPECT_EQ(g.model_name, "fc");
    EXPECT_EQ(g.widths, (std::vector<int>{7, 5}));
    EXPECT_EQ(g.input.height, 1);
    EXPECT_EQ(g.input.channels, 6);
    EXPECT_EQ(g.classes, 4);
    EXPECT_EQ(g.dim_full, 113u);
    EXPECT_EQ(g.seed, 9u);
    EXPECT_EQ(g.steps, 500);
    EXPECT_EQ(g.data, "blobs");
    EXPECT_EQ(g.config_json, R"({"command":"train","lr":0.02})");
    EXPECT_EQ(format_model_file(g), bytes);   // and the bytes again
}

TEST(ModelFile, HeaderIsTextAPersonCanRead) {
    const std::string bytes = format_model_file(small_file());
    EXPECT_EQ(bytes.rfind("idim model file\nformat 1\nheader-bytes ", 0), 0u);
    EXPECT_NE(bytes.find("\"crc32\": \"" + crc32_hex(small_file().values) + "\""), std::string::npos);
    EXPECT_NE(bytes.find("\"D\": 113"), std::string::npos);
}

TEST(ModelFile, ChecksumIsZlibCrc32) {
    // crc32 of the 4 bytes of 1.0f (00 00 80 3f), as Python reports it:
    // zlib.crc32(struct.pack("<f", 1.0)) = 0xaca16a6a.
    EXPECT_EQ(crc32_hex(std::vector<float>{1.0f}), "aca16a6a");
    EXPECT_EQ(crc32_hex(std::vector<float>{}), "00000000");
}

// The hand-written table against zlib's crc32() itself, on buffers of random bit patterns (NaNs,
// subnormals and all) of lengths up to a few thousand values, odd ones included: the API takes
// floats, so every buffer is a multiple of 4 bytes.
TEST(ModelFile, ChecksumMatchesZlibOnRandomBuffers) {
    CounterRng rng(17, Stream::init);
    uint64_t draw = 0;
    for (size_t n : {size_t(0), size_t(1), size_t(2), size_t(3), size_t(7), size_t(255), size_t(1001),
                     size_t(4099)}) {
        std::vector<float> values(n);
        for (float& v : values) v = std::bit_cast<float>(rng.bits(draw++)[0]);
        const auto* bytes = reinterpret_cast<const Bytef*>(values.data());
        const unsigned long expected = crc32(crc32(0L, Z_NULL, 0), bytes, uInt(n * sizeof(float)));
        char hex[9];
        std::snprintf(hex, sizeof hex, "%08lx", expected);
        EXPECT_EQ(crc32_hex(values), hex) << n << " values";
    }
}

TEST(ModelFile, SavesAtomicallyAndLoads) {
    const auto dir = std::filesystem::temp_directory_path() / "idim_test_model_file";
    std::filesystem::remove_all(dir);
    const std::string path = (dir / "sub" / "m.idim").string();
    save_model_file(path, small_file());
    EXPECT_FALSE(std::filesystem::exists(path + ".part"));
    EXPECT_TRUE(same_bits(load_model_file(path).values, small_file().values));
    expect_error([&] { load_model_file((dir / "none.idim").string()); },
                 {"none.idim", "not found"});
    std::filesystem::remove_all(dir);
}

TEST(ModelFile, RefusesABadMagic) {
    std::string bytes = format_model_file(small_file());
    bytes[5] = 'M';
    expect_error([&] { parse_model_file(bytes, "m.idim"); }, {"m.idim", "not an idim model file"});
    expect_error([&] { parse_model_file("", "e.idim"); }, {"e.idim", "not an idim model file"});
}

TEST(ModelFile, RefusesAnUnknownFormat) {
    std::string bytes = format_model_file(small_file());
    bytes.replace(bytes.find("format 1"), 8, "format 7");
    expect_error([&] { parse_model_file(bytes, "m.idim"); }, {"m.idim", "format 7 is unknown"});
}

TEST(ModelFile, RefusesATruncatedFile) {
    const std::string bytes = format_model_file(small_file());
    const size_t header_end = bytes.size() - 113 * sizeof(float);
    expect_error([&] { parse_model_file(bytes.substr(0, bytes.size() - 1), "m.idim"); },
                 {"m.idim", "truncated", "113 values"});
    expect_error([&] { parse_model_file(bytes.substr(0, header_end), "m.idim"); },
                 {"m.idim", "truncated"});
    expect_error([&] { parse_model_file(bytes.substr(0, header_end / 2), "m.idim"); },
                 {"m.idim", "truncated inside the header"});
    expect_error([&] { parse_model_file(bytes.substr(0, 20), "m.idim"); }, {"m.idim", "header"});
    expect_error([&] { parse_model_file(bytes + "xyz", "m.idim"); },
                 {"m.idim", "3 bytes after the 113 values"});
}

TEST(ModelFile, RefusesAWrongChecksum) {
    std::string bytes = format_model_file(small_file());
    bytes[bytes.size() - 3] ^= 0x10;   // one bit of one parameter
    expect_error([&] { parse_model_file(bytes, "m.idim"); },
                 {"m.idim", "checksum mismatch", "corrupt"});
}

TEST(ModelFile, RefusesAMalformedHeader) {
    std::string bytes = format_model_file(small_file());
    bytes.replace(bytes.find("\"classes\""), 9, "\"clesses\"");
    expect_error([&] { parse_model_file(bytes, "m.idim"); }, {"m.idim", "malformed header", "classes"});
    std::string bad_count = format_model_file(small_file());
    bad_count.replace(bad_count.find("\"count\": 113"), 12, "\"count\": 112");
    expect_error([&] { parse_model_file(bad_count, "m.idim"); }, {"m.idim", "4 bytes after"});
}

TEST(ModelFile, RefusesAnotherNetwork) {
    const ModelFile f = small_file();
    Architecture wider = kSmallFc;
    wider.model.widths = {7, 6};
    expect_error([&] { starting_point(f, wider, false, "m.idim"); },
                 {"m.idim", "hidden widths are 7-5", "asks for 7-6"});
    Architecture lenet = kSmallFc;
    lenet.model.kind = ModelKind::lenet;
    expect_error([&] { starting_point(f, lenet, false, "m.idim"); },
                 {"m.idim", "holds a fc network", "asks for lenet"});
    Architecture other_input = kSmallFc;
    other_input.input = {2, 3, 1};
    expect_error([&] { starting_point(f, other_input, false, "m.idim"); },
                 {"m.idim", "input is 1x1x6", "2x3x1"});
    Architecture fewer_classes = kSmallFc;
    fewer_classes.classes = 3;
    expect_error([&] { starting_point(f, fewer_classes, true, "m.idim"); },
                 {"m.idim", "--keep-head", "4", "3"});
    ModelFile wrong_dim = f;
    wrong_dim.dim_full = 112;
    wrong_dim.values.pop_back();
    expect_error([&] { starting_point(wrong_dim, kSmallFc, false, "m.idim"); },
                 {"m.idim", "D = 112", "113"});
}

TEST(StartingPoint, KeepsTheBodyAndDrawsANewHead) {
    const ModelFile f = small_file();
    Architecture three = kSmallFc;
    three.classes = 3;
    auto start = starting_point(f, three, false, "m.idim");
    // FC 6-7-5-3: the body is dense 6→7 (49) and dense 7→5 (40); the head dense 5→3 follows.
    EXPECT_EQ(start->kept, 89u);
    auto model = make_model(three.model, three.input, three.classes);
    auto task = classification_task(std::move(model), blobs(3));
    SubspaceSpec spec;
    spec.method = Method::full;
    spec.seed = 4;
    const std::vector<float> random = initial_params(*task, spec);
    spec.start = start;
    const std::vector<float> theta0 = initial_params(*task, spec);
    ASSERT_EQ(theta0.size(), 89u + 18u);
    for (size_t i = 0; i < 89; ++i) EXPECT_EQ(std::memcmp(&theta0[i], &f.values[i], 4), 0) << i;
    for (size_t i = 89; i < theta0.size(); ++i) EXPECT_EQ(theta0[i], random[i]) << i;
}

TEST(StartingPoint, KeepHeadKeepsEveryParameter) {
    const ModelFile f = small_file();
    auto start = starting_point(f, kSmallFc, true, "m.idim");
    EXPECT_EQ(start->kept, f.values.size());
    auto task = classification_task(make_model(kSmallFc.model, kSmallFc.input, 4), blobs(4));
    SubspaceSpec spec;
    spec.method = Method::full;
    spec.start = start;
    EXPECT_TRUE(same_bits(initial_params(*task, spec), f.values));
}

}  // namespace
}  // namespace idim
