// idim bound: a compression bound on the test error (bound.h). Trains one subspace run as
// `idim subspace` does, quantises θ_d with k-means (the number of levels given, or the one of
// 2 … 256 whose bound is lowest), fine-tunes the codebook with the codes fixed, and bounds the
// test error of the quantised model by Occam's razor over its description length.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "idim/bound_search.h"
#include "idim/error.h"
#include "report.h"

namespace idim::cli {
namespace {

struct BoundOptions {
    int64_t d = 0;
    BoundSearchConfig search;
};

Json candidate_json(const BoundCandidate& c) {
    return {{"levels", c.q.codebook.size()},
            {"train_accuracy", c.train.accuracy},
            {"test_accuracy", c.test.accuracy},
            {"bits", {{"total", c.bits.total()}, {"configuration", c.bits.configuration},
                      {"counts", c.bits.counts}, {"codes", c.bits.codes}, {"codebook", c.bits.codebook},
                      {"start", c.bits.start}}},
            {"bound", {{"test_error_kl", c.bound.kl}, {"test_error_hoeffding", c.bound.hoeffding},
                       {"complexity_nats_per_example", c.bound.complexity}}}};
}

void print_candidate(const char* what, const BoundCandidate& c) {
    std::printf("%-22s %3zu levels  train acc %.4f  test acc %.4f  bits %7.0f  bound %.4f\n", what,
                c.q.codebook.size(), c.train.accuracy, c.test.accuracy, c.bits.total(), c.bound.kl);
}

// The progress bar follows the search's stages.
BoundSearchHooks progress_hooks(Progress& progress) {
    BoundSearchHooks hooks;
    hooks.on_stage = [&progress](BoundStage stage, int64_t length) {
        progress.reset(stage == BoundStage::train      ? "bound"
                       : stage == BoundStage::quantise ? "quantise"
                                                       : "fine-tune",
                       length);
    };
    hooks.on_step = [&progress](const StepInfo& s) {
        progress.update((s.epoch - 1) * s.steps_per_epoch + s.step, "training");
    };
    hooks.on_quantised = [&progress](int levels) {
        progress.advance(1, std::to_string(levels) + " levels");
    };
    return hooks;
}

int run_bound(const CLI::App& app, CommonOptions& o, SubspaceOptions& sub, BoundOptions& b) {
    finalise_options(app, o);
    finalise_projection(app, o, sub);
    const BoundSearchConfig& s = b.search;
    require(!is_toy(o.data), "bound needs a classification data set (the toy task has no error rate)");
    validate(s);   // before the data are read
    const bool has_d = app.get_option("--d")->count() > 0;
    require(is_lora(sub) ? !has_d : has_d && b.d >= 1,
            is_lora(sub) ? "--d does not apply to --projection lora: --rank sets its size"
                         : "--d is required and must be at least 1");
    Problem problem(o);
    if (is_lora(sub))
        b.d = int64_t(lora_trainable_count(problem.param_groups(), problem.dim(), sub.lora_rank));
    check_subspace_request(sub, problem, uint64_t(b.d));

    Backend& be = backend_by_name(o.backend);
    be.set_threads(o.threads);
    const uint64_t seed = o.seed;
    auto task = problem.make_task();
    RunSpec run = run_spec(subspace_spec(&sub, uint64_t(b.d)), o.train, seed);
    SubspaceSpec& spec = run.subspace;
    spec.start = problem.start();
    const bool pretrained = spec.start != nullptr;
    auto inner = make_parametrization(be, *task, spec);
    if (pretrained) std::cout << start_line(o) << '\n';
    Progress progress("bound", 0, o.quiet);
    const BoundSearchResult r =
        bound_search(be, *task, *inner, run.train, seed, pretrained, s, progress_hooks(progress));
    progress.finish();
    const TrainResult& trained = r.trained;
    std::printf("d = %lld (%s), D = %zu: train acc %.4f  test acc %.4f\n", (long long)b.d,
                inner->name().c_str(), problem.dim(), trained.train_accuracy, trained.test_accuracy);
    for (const BoundCandidate& c : r.quantised) print_candidate("quantised (k-means)", c);
    if (r.fine_tuned) print_candidate("fine-tuned codebook", *r.fine_tuned);
    const BoundCandidate& reported = r.final();
    const DescriptionLength& bits = reported.bits;
    std::printf("description: %.0f bits = %.0f configuration + %.0f counts + %.0f codes + %.0f codebook"
                " + %.0f starting point\n",
                bits.total(), bits.configuration, bits.counts, bits.codes, bits.codebook, bits.start);
    std::printf("bound (Occam, δ = %g, n = %zu, train error %.4f): test error ≤ %.4f (kl), ≤ %.4f "
                "(Hoeffding); measured test error %.4f\n",
                s.delta, reported.bound.n, reported.bound.train_error, reported.bound.kl,
                reported.bound.hoeffding, 1 - reported.test.accuracy);

    if (!o.json_path.empty()) {
        Json jtried = Json::array();
        for (const BoundCandidate& c : r.quantised) jtried.push_back(candidate_json(c));
        Json config_doc = config_json("bound", o, &sub);
        config_doc["bound"] = {{"levels", s.levels}, {"finetune_epochs", s.finetune_epochs},
                               {"finetune_lr", s.finetune_lr}, {"delta", s.delta}};
        Json doc = results_head(config_doc, &problem);
        doc.update({{"d", b.d}, {"projection", inner->name()}, {"seed", seed},
                    {"n_train", task->train_size()},
                    {"trained", {{"train_accuracy", trained.train_accuracy},
                                 {"test_accuracy", trained.test_accuracy}}},
                    {"quantised", jtried}, {"chosen", candidate_json(r.quantised[r.chosen])},
                    {"fine_tuned", r.fine_tuned ? candidate_json(*r.fine_tuned) : Json(nullptr)},
                    {"final", candidate_json(reported)},
                    {"bound", {{"kind", "occam-kl"}, {"delta", s.delta}, {"n", reported.bound.n},
                               {"train_error", reported.bound.train_error}, {"bits", bits.total()},
                               {"test_error_bound", reported.bound.kl},
                               {"test_error_bound_hoeffding", reported.bound.hoeffding},
                               {"test_error_measured", 1 - reported.test.accuracy}}}});
        write_json(o.json_path, doc);
    }
    return 0;
}

}  // namespace

Command add_bound_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "bound", "Train in a random subspace, quantise θ_d and bound the test error by its code length");
    auto o = std::make_shared<CommonOptions>();
    auto sub = std::make_shared<SubspaceOptions>();
    auto b = std::make_shared<BoundOptions>();
    add_subspace_options(*app, *o, *sub, TrainEval::last_epoch);
    app->add_option("--d", b->d, "Subspace dimension d (required, except with --projection lora)");
    app->add_option("--levels", b->search.levels, "Codebook levels 1 … 256 (0: the lowest bound of 2 … 256)")
        ->capture_default_str();
    app->add_option("--finetune-epochs", b->search.finetune_epochs,
                    "Epochs training the codebook with the codes fixed (0: none)")
        ->capture_default_str();
    app->add_option("--finetune-lr", b->search.finetune_lr, "Learning rate of that fine-tuning")
        ->capture_default_str();
    app->add_option("--delta", b->search.delta, "The bound fails with probability at most δ")
        ->capture_default_str();
    app->add_option("--json", o->json_path, "Write the results as one JSON document");
    return {app, [app, o, sub, b] { return run_bound(*app, *o, *sub, *b); }};
}

}  // namespace idim::cli
