// A decoder's shape (learned_subspace.h): names, the layout of its weights and the checks. Apart
// from decoder.cpp's arithmetic, so the model file parser (and its fuzz target) needs no Eigen.
#include <array>

#include "idim/error.h"
#include "kind_names.h"
#include "idim/learned_subspace.h"

namespace idim {

std::string to_string(DecoderKind kind) { return kind == DecoderKind::mlp ? "mlp" : "linear"; }

DecoderKind parse_decoder(const std::string& name) {
    return parse_kind(name, std::array{DecoderKind::linear, DecoderKind::mlp}, "decoder");
}

DecoderLayout decoder_layout(DecoderKind kind, int dim_in, int hidden, int dim_out) {
    require(dim_in >= 1 && dim_out >= 1, "decoder: d_I and D' must be at least 1, got d_I = ",
            dim_in, " and D' = ", dim_out);
    require(kind == DecoderKind::linear ? hidden == 0 : hidden >= 1, "decoder: ",
            to_string(kind), " takes ", kind == DecoderKind::linear ? "no hidden width" :
            "a hidden width of at least 1", ", got ", hidden);
    const size_t in = size_t(dim_in), h = size_t(hidden), out = size_t(dim_out);
    if (kind == DecoderKind::linear) return {0, 0, 0, out * in, out * in + out};
    const size_t b1 = h * in, w2 = b1 + h, b2 = w2 + out * h;
    return {0, b1, w2, b2, b2 + out};
}

size_t decoder_weight_count(DecoderKind kind, int dim_in, int hidden, int dim_out) {
    return decoder_layout(kind, dim_in, hidden, dim_out).end;
}

void check_decoder(const Decoder& d) {
    const size_t count = decoder_weight_count(d.kind, d.dim_in, d.hidden, d.dim_out);
    require(d.weights.size() == count, "decoder: ", to_string(d.kind), " d_I = ", d.dim_in,
            ", h = ", d.hidden, ", D' = ", d.dim_out, " has ", count, " weights, given ",
            d.weights.size());
}

}  // namespace idim
