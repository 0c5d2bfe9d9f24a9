// Learned subspaces (Qin et al. 2021, "Exploring Universal Intrinsic Task Subspace via Prompt
// Tuning"): a decoder maps v (d_I numbers) into the D'-dimensional random subspace every task of a
// family was adapted in, so θ = θ0 + P·dec(v). MSF (multi-task subspace finding) learns the
// decoder from the tasks' adaptations; IST (intrinsic subspace tuning) trains v alone for a task.
//   mlp:    dec(v) = W2·tanh(W1·v + b1) + b2   (Qin et al.'s decoder: Linear → tanh → Linear)
//   linear: dec(v) = W·v + b                   (the PCA subspace: b the mean adaptation, W the
//                                               top d_I principal directions)
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "idim/backend.h"
#include "idim/parametrization.h"
#include "idim/projection.h"
#include "idim/task.h"

namespace idim {

enum class DecoderKind { linear, mlp };
std::string to_string(DecoderKind kind);
DecoderKind parse_decoder(const std::string& name);   // throws naming the known ones

// Qin et al.'s IST starts v from N(0, 0.02²).
inline constexpr double default_ist_init_stddev = 0.02;

struct Decoder {
    DecoderKind kind = DecoderKind::mlp;
    int dim_in = 0;       // d_I
    int hidden = 0;       // h (mlp only; 0 for linear)
    int dim_out = 0;      // D', the columns of the common P
    // mlp: W1 (h × d_I), b1 (h), W2 (D' × h), b2 (D'); linear: W (D' × d_I), b (D').
    // Matrices row-major. This is also a learned subspace file's payload.
    std::vector<float> weights;
};

// Where the blocks lie in `weights` (linear: W at w2, b at b2; w1 and b1 empty), and the count.
struct DecoderLayout {
    size_t w1, b1, w2, b2, end;
};
// Throws idim::Error for an impossible shape (d_I or D' below 1; h given to linear, or below 1
// for mlp).
DecoderLayout decoder_layout(DecoderKind kind, int dim_in, int hidden, int dim_out);
size_t decoder_weight_count(DecoderKind kind, int dim_in, int hidden, int dim_out);
void check_decoder(const Decoder& d);   // shape against weights.size(); throws idim::Error
// x (D') = dec(v (d_I)), on the host.
void decode(const Decoder& d, const float* v, float* x);
// gv (d_I) = J_dec(v)ᵀ·gx; with gweights (weight_count), also adds ∂⟨gx, dec(v)⟩/∂weights to it.
void decode_backward(const Decoder& d, const float* v, const float* gx, float* gv, float* gweights);

// A learned subspace: the decoder and the common P (drawn from `seed` as `idim subspace --d D'`
// draws it, with θ0 from the same seed).
struct LearnedSubspace {
    Decoder decoder;
    ProjectionKind projection = ProjectionKind::fastfood;
    uint64_t seed = 0;
};

// θ = θ0 + P·dec(v), v trainable (d_I); its start is N(0, init_stddev²) from v_seed. The decoder
// runs on the host (D' and h are small): v is downloaded and dec(v) uploaded per step, so it
// works on every backend. projection->dim_sub() must be the decoder's D'.
std::unique_ptr<Parametrization> learned_parametrization(Backend& be, std::span<const float> theta0,
                                                         std::unique_ptr<Projection> projection,
                                                         Decoder decoder, uint64_t v_seed,
                                                         double init_stddev = default_ist_init_stddev);

}  // namespace idim
