// The whole compression bound of one subspace run, as every front end runs it (the parts are in
// bound.h): train θ_d, quantise it with k-means at each level count tried, judge every candidate
// by its Occam bound before any fine-tuning, fine-tune the best one's codebook with its codes
// fixed, and report whichever of the two codebooks bounds lower.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "idim/bound.h"
#include "idim/trainer.h"

namespace idim {

// The level counts tried when none is given. The bound is lowest at a few levels (the codes'
// length grows with log k, the training error falls with k), so the small counts are tried one
// by one and the large ones coarsely.
inline constexpr int bound_level_choices[] = {2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 64, 128, 256};

struct BoundSearchConfig {
    int levels = 0;             // 1 … 256; 0: the one of bound_level_choices with the lowest bound
    int finetune_epochs = 3;    // training the codebook with the codes fixed (0: none)
    // Adam on the codebook. At d = 500 on mnist 0.01 kept more training accuracy than 1e-3
    // (0.846 against 0.843 at 8 levels); the subspace runs themselves train at 0.05.
    double finetune_lr = 0.01;
    double delta = 0.05;        // the bound fails with probability at most δ
};
void validate(const BoundSearchConfig& config);   // throws idim::Error naming the bad setting

// One quantised θ_d and how it does.
struct BoundCandidate {
    Quantised q;
    Metrics train, test;
    DescriptionLength bits;
    OccamBound bound;
};

struct BoundSearchResult {
    TrainResult trained;                      // the subspace run that was quantised
    std::vector<BoundCandidate> quantised;    // one per level count tried, in order
    size_t chosen = 0;                        // of quantised: the lowest bound (the first on ties)
    std::optional<BoundCandidate> fine_tuned; // chosen's codebook after fine-tuning (none: 0 epochs)
    // The fine-tuned codebook where its bound is no higher than the chosen one's, else the chosen:
    // both have the same description length, and the bound holds for every description at once.
    const BoundCandidate& final() const {
        return fine_tuned && fine_tuned->bound.kl <= quantised[chosen].bound.kl ? *fine_tuned
                                                                                 : quantised[chosen];
    }
};

enum class BoundStage { train, quantise, finetune };

struct BoundSearchHooks {
    // As each stage begins: its length in steps (train, finetune) or in level counts (quantise).
    std::function<void(BoundStage, int64_t length)> on_stage;
    std::function<void(const StepInfo&)> on_step;     // each step of training and of fine-tuning
    std::function<void(int levels)> on_quantised;     // each candidate judged
};

// `inner` parametrizes θ_d over `task` (a random subspace, SAID or LoRA); `train_config` trains it
// (training accuracy measured at the last epoch) and its batch evaluates every candidate. `seed`
// and `pretrained_start` enter the description length (bound.h). Throws idim::Error for bad
// settings and when the subspace run diverges (a diverged run has nothing to bound).
BoundSearchResult bound_search(Backend& be, Task& task, Parametrization& inner,
                               const TrainConfig& train_config, uint64_t seed,
                               bool pretrained_start, const BoundSearchConfig& config,
                               const BoundSearchHooks& hooks = {});

}  // namespace idim
