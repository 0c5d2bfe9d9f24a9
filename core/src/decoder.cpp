// The decoder of a learned subspace (learned_subspace.h) and its chain rule, on the host with
// Eigen: d_I, h and D' are a few thousand at most, far below where a backend kernel would pay.
#include <Eigen/Dense>
#include <array>

#include "idim/error.h"
#include "idim/kind_names.h"
#include "idim/learned_subspace.h"

namespace idim {
namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using VectorMap = Eigen::Map<Eigen::VectorXf>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXf>;

// Offsets of the four blocks in `weights` (linear: W at w2, b at b2; w1 and b1 empty).
struct Layout {
    size_t w1, b1, w2, b2, end;
};

Layout layout(DecoderKind kind, int dim_in, int hidden, int dim_out) {
    const size_t in = size_t(dim_in), h = size_t(hidden), out = size_t(dim_out);
    if (kind == DecoderKind::linear) return {0, 0, 0, out * in, out * in + out};
    const size_t b1 = h * in, w2 = b1 + h, b2 = w2 + out * h;
    return {0, b1, w2, b2, b2 + out};
}

Layout layout(const Decoder& d) { return layout(d.kind, d.dim_in, d.hidden, d.dim_out); }

}  // namespace

std::string to_string(DecoderKind kind) { return kind == DecoderKind::mlp ? "mlp" : "linear"; }

DecoderKind parse_decoder(const std::string& name) {
    return parse_kind(name, std::array{DecoderKind::linear, DecoderKind::mlp}, "decoder");
}

size_t decoder_weight_count(DecoderKind kind, int dim_in, int hidden, int dim_out) {
    require(dim_in >= 1 && dim_out >= 1, "decoder: d_I and D' must be at least 1, got d_I = ",
            dim_in, " and D' = ", dim_out);
    require(kind == DecoderKind::linear ? hidden == 0 : hidden >= 1, "decoder: ",
            to_string(kind), " takes ", kind == DecoderKind::linear ? "no hidden width" :
            "a hidden width of at least 1", ", got ", hidden);
    return layout(kind, dim_in, hidden, dim_out).end;
}

void check_decoder(const Decoder& d) {
    const size_t count = decoder_weight_count(d.kind, d.dim_in, d.hidden, d.dim_out);
    require(d.weights.size() == count, "decoder: ", to_string(d.kind), " d_I = ", d.dim_in,
            ", h = ", d.hidden, ", D' = ", d.dim_out, " has ", count, " weights, given ",
            d.weights.size());
}

void decode(const Decoder& d, const float* v, float* x) {
    const Layout at = layout(d);
    const float* w = d.weights.data();
    ConstVectorMap in(v, d.dim_in), b2(w + at.b2, d.dim_out);
    VectorMap out(x, d.dim_out);
    if (d.kind == DecoderKind::linear) {
        out = ConstMatrixMap(w + at.w2, d.dim_out, d.dim_in) * in + b2;
        return;
    }
    const Eigen::VectorXf a = (ConstMatrixMap(w + at.w1, d.hidden, d.dim_in) * in +
                               ConstVectorMap(w + at.b1, d.hidden)).array().tanh().matrix();
    out = ConstMatrixMap(w + at.w2, d.dim_out, d.hidden) * a + b2;
}

// mlp, with u = W1·v + b1 and a = tanh(u): ∂W2 = gx·aᵀ, ∂b2 = gx, ga = W2ᵀ·gx,
// gu = ga ⊙ (1 − a²), ∂W1 = gu·vᵀ, ∂b1 = gu, gv = W1ᵀ·gu. linear: ∂W = gx·vᵀ, ∂b = gx, gv = Wᵀ·gx.
void decode_backward(const Decoder& d, const float* v, const float* gx, float* gv,
                     float* gweights) {
    const Layout at = layout(d);
    const float* w = d.weights.data();
    ConstVectorMap in(v, d.dim_in), g(gx, d.dim_out);
    VectorMap gin(gv, d.dim_in);
    if (d.kind == DecoderKind::linear) {
        ConstMatrixMap W(w + at.w2, d.dim_out, d.dim_in);
        gin = W.transpose() * g;
        if (!gweights) return;
        MatrixMap(gweights + at.w2, d.dim_out, d.dim_in) += g * in.transpose();
        VectorMap(gweights + at.b2, d.dim_out) += g;
        return;
    }
    ConstMatrixMap W1(w + at.w1, d.hidden, d.dim_in), W2(w + at.w2, d.dim_out, d.hidden);
    const Eigen::VectorXf a = (W1 * in + ConstVectorMap(w + at.b1, d.hidden)).array().tanh().matrix();
    const Eigen::VectorXf gu = ((W2.transpose() * g).array() * (1.0f - a.array().square())).matrix();
    gin = W1.transpose() * gu;
    if (!gweights) return;
    MatrixMap(gweights + at.w2, d.dim_out, d.hidden) += g * a.transpose();
    VectorMap(gweights + at.b2, d.dim_out) += g;
    MatrixMap(gweights + at.w1, d.hidden, d.dim_in) += gu * in.transpose();
    VectorMap(gweights + at.b1, d.hidden) += gu;
}

}  // namespace idim
