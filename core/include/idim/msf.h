// Finding a learned subspace from a family of tasks (Qin et al. 2021): MSF, their auto-encoder
// trained through the tasks' losses, and the linear alternative, PCA of the adaptations. Each
// task's adaptation x_t (D') is its θ_d in the common random subspace θ = θ0 + P·θ_d.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "idim/learned_subspace.h"

namespace idim {

// Qin et al.: α = 200. idim's reconstruction error is the mean over the D' coordinates (so α does
// not change meaning with D'); the hidden width, epochs and rate are idim's (see docs/method.md).
struct MsfConfig {
    int dim_intrinsic = 0;      // d_I
    int hidden = 64;            // h of the decoder Linear(d_I → h) → tanh → Linear(h → D')
    double alpha = 200;
    int epochs = 10;            // an epoch: one pass over the mean task's training set
    int batch = 128;            // per task and step
    double lr = 1e-3;           // Adam, cosine decay
    uint64_t seed = 0;          // the weights' start and the batches
};

struct MsfTask {
    Task* task;                        // the network on this task's data
    std::vector<float> adaptation;     // x_t (D')
};

struct MsfEpoch {
    double task_loss = 0;              // mean over tasks and steps of the task's batch loss
    double reconstruction = 0;         // mean over tasks and steps of ‖dec(enc(x_t)) − x_t‖² / D'
};

struct MsfResult {
    Decoder decoder;
    std::vector<MsfEpoch> epochs;
};

// Trains encoder z_t = E·x_t + e and the mlp decoder on
//   Σ_t L_t(θ0 + P·dec(z_t)) + α·‖dec(z_t) − x_t‖² / D'
// with one mini-batch of every task per Adam step. theta0 and P as the adaptations were made.
// Throws idim::Error for an empty family, adaptations of the wrong length, or bad settings.
MsfResult train_msf(Backend& be, std::span<const MsfTask> tasks, Projection& projection,
                    std::span<const float> theta0, const MsfConfig& config);

// The linear decoder of the top d_I principal directions of the adaptations: b their mean, W's
// columns the leading right singular vectors of the centred (T × D') matrix. T adaptations span
// at most T − 1 centred directions, so d_I must be below T.
Decoder pca_decoder(std::span<const std::vector<float>> adaptations, int dim_intrinsic);

}  // namespace idim
