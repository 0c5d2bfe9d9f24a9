// The bound search of bound_search.h over the parts of bound.h.
#include "idim/bound_search.h"

#include <iterator>

#include "idim/error.h"

namespace idim {
namespace {

BoundCandidate judge(Backend& be, Task& task, Parametrization& inner, Quantised q,
                     const TrainConfig& config, uint64_t seed, bool pretrained_start,
                     double delta) {
    auto param = codebook_parametrization(be, inner, q);
    Trainer trainer(be, task, *param, config);
    BoundCandidate c{std::move(q), trainer.evaluate_train(), trainer.evaluate_test(), {}, {}};
    c.bits = description_length(c.q, seed, pretrained_start);
    c.bound = occam_bound(1 - c.train.accuracy, task.train_size(), c.bits.total(), delta);
    return c;
}

int64_t steps_per_epoch(const Task& task, const TrainConfig& config) {
    return int64_t((task.train_size() + config.batch - 1) / config.batch);
}

}  // namespace

// The settings are named as the idim bound flags name them (as dint_search.cpp's validate does).
void validate(const BoundSearchConfig& config) {
    require(config.levels >= 0 && config.levels <= 256,
            "levels must be in 1 … 256 (0: choose), got ", config.levels);
    require(config.finetune_epochs >= 0, "finetune-epochs must not be negative, got ",
            config.finetune_epochs);
    require(config.finetune_lr > 0, "finetune-lr must be positive, got ", config.finetune_lr);
    require(config.delta > 0 && config.delta < 1, "delta must be in (0, 1), got ", config.delta);
}

BoundSearchResult bound_search(Backend& be, Task& task, Parametrization& inner,
                               const TrainConfig& train_config, uint64_t seed,
                               bool pretrained_start, const BoundSearchConfig& config,
                               const BoundSearchHooks& hooks) {
    validate(config);
    auto stage = [&](BoundStage s, int64_t length) {
        if (hooks.on_stage) hooks.on_stage(s, length);
    };
    TrainHooks train_hooks;
    train_hooks.on_step = hooks.on_step;
    TrainConfig tc = train_config;
    tc.evaluate_train = TrainEval::last_epoch;

    BoundSearchResult r;
    stage(BoundStage::train, tc.epochs * steps_per_epoch(task, tc));
    r.trained = train(be, task, inner, tc, train_hooks);
    require(!r.trained.diverged(), "the subspace run diverged; no bound");

    // Each level count judged by its bound before fine-tuning (the code pays 8 bits for any
    // choice of 1 … 256 levels, so choosing among them after seeing the data is paid for).
    const std::vector<int> levels_list =
        config.levels ? std::vector<int>{config.levels}
                      : std::vector<int>(std::begin(bound_level_choices), std::end(bound_level_choices));
    stage(BoundStage::quantise, int64_t(levels_list.size()));
    for (int levels : levels_list) {
        r.quantised.push_back(judge(be, task, inner, kmeans_quantise(r.trained.trainable, levels),
                                    tc, seed, pretrained_start, config.delta));
        if (hooks.on_quantised) hooks.on_quantised(levels);
    }
    for (size_t i = 1; i < r.quantised.size(); ++i)
        if (r.quantised[i].bound.kl < r.quantised[r.chosen].bound.kl) r.chosen = i;

    if (config.finetune_epochs > 0) {
        const BoundCandidate& chosen = r.quantised[r.chosen];
        auto param = codebook_parametrization(be, inner, chosen.q);
        TrainConfig ft = tc;
        ft.epochs = config.finetune_epochs;
        ft.optimizer.lr = config.finetune_lr;
        stage(BoundStage::finetune, ft.epochs * steps_per_epoch(task, ft));
        TrainResult tuned = train(be, task, *param, ft, train_hooks);
        Quantised q = chosen.q;
        q.codebook = tuned.trainable;
        r.fine_tuned = judge(be, task, inner, std::move(q), tc, seed, pretrained_start, config.delta);
    }
    return r;
}

}  // namespace idim
