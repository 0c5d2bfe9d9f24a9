// libFuzzer target for the IDX path: bytes → (maybe gunzip) → parse_idx. The first two input bytes
// (big-endian) say where the images file ends and the labels file begins. Any input must either
// parse into a consistent Dataset or throw idim::Error; crashes, hangs and leaks are the bugs.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "idim/dataset.h"
#include "idim/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const size_t split = std::min(size - 2, size_t(data[0]) << 8 | data[1]);
    const std::vector<uint8_t> images(data + 2, data + 2 + split), labels(data + 2 + split, data + size);
    try {
        const idim::Dataset d = idim::parse_idx(idim::maybe_gunzip(images, "images"),
                                                idim::maybe_gunzip(labels, "labels"), "fuzz");
        if (d.images.size() != d.size() * d.sample_size() || d.channels != 1) std::abort();
        for (int32_t label : d.labels)
            if (label < 0 || label >= d.classes) std::abort();
        for (float v : d.images)
            if (!(v >= 0.0f && v <= 1.0f)) std::abort();
    } catch (const idim::Error&) {
    }
    return 0;
}
