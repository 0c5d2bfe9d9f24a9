// The decoder of a learned subspace (learned_subspace.h) and its chain rule (its shape:
// decoder_shape.cpp), on the host with
// Eigen: d_I, h and D' are a few thousand at most, far below where a backend kernel would pay.
#include <Eigen/Dense>

#include "idim/learned_subspace.h"

namespace idim {
namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using VectorMap = Eigen::Map<Eigen::VectorXf>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXf>;

DecoderLayout layout(const Decoder& d) {
    return decoder_layout(d.kind, d.dim_in, d.hidden, d.dim_out);
}

}  // namespace

void decode(const Decoder& d, const float* v, float* x) {
    const DecoderLayout at = layout(d);
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
    const DecoderLayout at = layout(d);
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
