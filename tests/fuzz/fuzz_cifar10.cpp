// libFuzzer target for CIFAR-10 batches: the input is appended twice to one Dataset. Either it is
// a whole number of valid 3073-byte records (then the result is consistent) or idim::Error is
// thrown and nothing was appended.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "idim/dataset.h"
#include "idim/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<uint8_t> bytes(data, data + size);
    idim::Dataset d;
    for (int round = 0; round < 2; ++round) {
        const size_t before = d.size();
        try {
            idim::append_cifar10_batch(bytes, "fuzz", d);
        } catch (const idim::Error&) {
            if (d.size() != before || d.images.size() != before * 3072) std::abort();  // no partial load
            return 0;
        }
        if (d.size() != before + size / 3073 || d.images.size() != d.size() * d.sample_size()) std::abort();
    }
    for (int32_t label : d.labels)
        if (label < 0 || label >= 10) std::abort();
    return 0;
}
