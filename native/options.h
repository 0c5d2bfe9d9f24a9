// The options every subcommand shares (model, data, training, output) and the checks that refuse
// an impossible request before any work starts (the data they name: problem.h).
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "idim/dataset.h"
#include "idim/model.h"
#include "idim/model_file.h"
#include "idim/pretrained.h"
#include "idim/parametrization.h"
#include "idim/subspace.h"
#include "idim/task.h"
#include "idim/trainer.h"

namespace idim::cli {

struct CommonOptions {
    ModelSpec model;
    std::string model_name;            // --model as given, parsed into model
    int width = 0, depth = 0;          // shorthand for model.widths (0: not given)
    DataOptions data;
    TrainConfig train;                 // the core's defaults, unless a flag says otherwise
    // --seed: the first run's seed (run k: seed + k; run_spec.h draws θ0, P and the batch order
    // from a run's seed) and the data's transforms', which every run of a command shares.
    uint64_t seed = 0;
    std::string optimizer, schedule;   // --optimizer and --schedule as given, parsed into train
    int threads = 0;                   // 0: every core
    std::string backend = "cpu";
    bool op_stats = false;             // subspace --op-stats: count the backend calls per step
    std::string json_path, csv_path, svg_path;
    bool quiet = false;
    // The accuracy that d_int and sweeps judge: "test", or "train" for memorisation (shuffled
    // labels), as the original's shuffled-label experiments did.
    std::string metric_name = to_string(Metric::test);   // --metric as given
    Metric metric = Metric::test;
    int give_up_from = TrainHooks{}.give_up_from_epoch;   // see TrainHooks
    // Starting points and saved models (start_options.cpp): --classes as given (parsed into
    // data.classes), --init and the file it names (read by finalise_options), --keep-head, and
    // train's --save and --save-every (subspace: --save).
    std::optional<std::string> classes_list;
    std::string init_path, save_path;
    bool keep_head = false;
    std::shared_ptr<const ModelFile> init_file;
    std::string init_crc32;
    int64_t save_every = 0;
};

struct SubspaceOptions {
    std::string projection = "fastfood";   // dense | sparse | fastfood | said
    std::string said_base = "fastfood";    // the projection under SAID
    double max_projection_mb = default_max_projection_mb;
    bool no_tiling = false;
    int lora_rank = 0;                     // --projection lora: the rank r (required there)
    double lora_alpha = default_lora_alpha;
    // --learned: IST in this learned subspace file (`idim msf --save`) instead of a random P.
    std::string learned_path;
    std::shared_ptr<const LearnedSubspace> learned;   // read from it by finalise_learned
};

// Registers the shared flags on a subcommand; `training` adds the optimiser and schedule flags.
void add_common_options(CLI::App& app, CommonOptions& o, bool training);
void add_output_options(CLI::App& app, CommonOptions& o, bool with_plots);
void add_projection_options(CLI::App& app, SubspaceOptions& o);
// subspace, sweep and dint: the subspace training defaults (subspace_train_config), then the
// common, training and projection flags. `train_eval`: when runs measure training accuracy.
void add_subspace_options(CLI::App& app, CommonOptions& o, SubspaceOptions& sub, TrainEval train_eval);

// Once every subcommand is registered: an unsigned option refuses a negative value (CLI11 alone
// would wrap it round).
void refuse_negative_unsigned(CLI::App& app);

// --classes everywhere; with `training`, --init and --keep-head (start_options.cpp).
void add_start_options(CLI::App& app, CommonOptions& o, bool training);
// --save (and, for full training, --save-every) on train and subspace.
void add_save_options(CLI::App& app, CommonOptions& o, bool every);
// Parses --classes and reads the --init file (its checksum checked); refuses what cannot work.
void finalise_start_options(CommonOptions& o);
// "starting point: m.idim (crc32 1a2b3c4d; fc 200-200, 10 classes, 500 steps), output layer new
// (from seed 0)" or "" without --init.
std::string start_line(const CommonOptions& o);

// After parsing: widths from --width/--depth, the toy task's own defaults for flags the user left
// alone, and the checks that need no data (names, ranges). Throws idim::Error.
void finalise_options(const CLI::App& app, CommonOptions& o);
// Checks the projection flags (the toy task defaults to a dense P).
void finalise_projection(const CLI::App& app, const CommonOptions& common, SubspaceOptions& o);
bool is_lora(const SubspaceOptions& o);
// sweep and dint search over d, which LoRA does not have (its size is set by --rank).
void refuse_lora(const SubspaceOptions& o, const std::string& command);

bool is_toy(const DataOptions& data);

// --learned (learned_options.cpp): the file's flag on subspace, and reading it once the data fixes
// the network: refuses another kind of file, another network, or another starting point.
void add_learned_option(CLI::App& app, SubspaceOptions& o);
class Problem;
void finalise_learned(const CommonOptions& common, SubspaceOptions& o, const Problem& problem);

}  // namespace idim::cli
