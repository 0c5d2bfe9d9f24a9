// Learned subspaces in model files (pretrained.h): the decoder's weights as the payload, its
// shape, P's kind and D', and the starting point in the header.
#include "idim/error.h"
#include "idim/pretrained.h"

namespace idim {

ModelFile learned_file_of(const Architecture& arch, const LearnedSubspace& learned,
                          std::optional<std::string> start_crc32, bool head_kept,
                          std::string data, std::string config_json) {
    check_decoder(learned.decoder);
    ModelFile f = model_file_of(arch, std::vector<float>(make_model(arch.model, arch.input,
                                                                    arch.classes)->dim()),
                                learned.seed, 0, std::move(data), std::move(config_json));
    f.kind = "learned";
    LearnedRecord r;
    r.decoder = to_string(learned.decoder.kind);
    r.dim_intrinsic = learned.decoder.dim_in;
    r.hidden = learned.decoder.hidden;
    r.dim_sub = uint64_t(learned.decoder.dim_out);
    r.projection = to_string(learned.projection);
    r.start_crc32 = std::move(start_crc32);
    r.head_kept = head_kept;
    f.learned = r;
    f.values = learned.decoder.weights;
    return f;
}

LearnedSubspace learned_subspace_of(const ModelFile& file, const std::string& what) {
    require(file.kind == "learned" && file.learned, what, ": a ", file.kind, " file is no learned "
            "subspace (`idim msf --save` writes one)");
    const LearnedRecord& r = *file.learned;
    LearnedSubspace s;
    try {
        s.decoder.kind = parse_decoder(r.decoder);
        s.projection = parse_projection(r.projection);
    } catch (const Error& e) {
        throw Error(what + ": " + e.what());
    }
    s.decoder.dim_in = r.dim_intrinsic;
    s.decoder.hidden = r.hidden;
    s.decoder.dim_out = int(r.dim_sub);
    s.decoder.weights = file.values;
    s.seed = file.seed;
    try {
        check_decoder(s.decoder);
    } catch (const Error& e) {
        throw Error(what + ": " + e.what());
    }
    return s;
}

}  // namespace idim
