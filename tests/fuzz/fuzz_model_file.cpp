// libFuzzer target for the model file parser: any bytes must either parse into a file whose values
// match its header (count, checksum) or throw idim::Error; crashes, hangs and leaks are the bugs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "idim/error.h"
#include "idim/learned_subspace.h"
#include "idim/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const idim::ModelFile f =
            idim::parse_model_file(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
        const uint64_t expected =
            f.kind == "model"      ? f.dim_full
            : f.kind == "subspace" ? f.subspace->d
                                   : idim::decoder_weight_count(
                                         idim::parse_decoder(f.learned->decoder),
                                         f.learned->dim_intrinsic, f.learned->hidden,
                                         int(f.learned->dim_sub));
        if (f.values.size() != expected) std::abort();
        // What parses must format back into a file that parses again.
        if (idim::parse_model_file(idim::format_model_file(f), "again").values.size() != expected)
            std::abort();
    } catch (const idim::Error&) {
    }
    return 0;
}
