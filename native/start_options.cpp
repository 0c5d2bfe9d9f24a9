// The flags of pretrained starting points and saved models: --classes (every command), --init
// and --keep-head (the commands that train), --save and --save-every (train, subspace). The
// --init file is read and its checksum checked while the options are finalised, before any data
// loads; its architecture is checked against the run's once the data fixes the input and classes
// (Problem).
#include <cstdio>

#include "idim/error.h"
#include "options.h"

namespace idim::cli {

void add_start_options(CLI::App& app, CommonOptions& o, bool training) {
    app.add_option("--classes", o.classes_list,
                   "Keep these classes, relabelled 0..k-1 in this order: e.g. 0-4 or 5,6,7,8,9");
    if (!training) return;
    app.add_option("--init", o.init_path,
                   "Start from this model file (train --save) instead of a random θ0; the output "
                   "layer is drawn new from the seed");
    app.add_flag("--keep-head", o.keep_head,
                 "With --init: keep the file's output layer too (the classes must match)");
}

void add_save_options(CLI::App& app, CommonOptions& o, bool every) {
    app.add_option("--save", o.save_path,
                   every ? "Write the trained model (configuration and all D parameters) here"
                         : "Write the run (configuration, seed, θ_d) here; it rebuilds θ = θ0 + P·θ_d");
    if (every)
        app.add_option("--save-every", o.save_every,
                       "With --save: also write PATH-stepNNNNNN every STEPS steps (step 0: θ0)");
}

void finalise_start_options(CommonOptions& o) {
    const bool toy = is_toy(o.data);
    require(!toy || (!o.classes_list && o.init_path.empty() && o.save_path.empty()),
            "--classes, --init and --save need a network and a data set; the toy task has neither");
    if (o.classes_list) o.data.classes = parse_class_list(*o.classes_list);
    require(!o.keep_head || !o.init_path.empty(), "--keep-head needs --init");
    require(o.save_every >= 0, "--save-every must not be negative");
    require(o.save_every == 0 || !o.save_path.empty(), "--save-every needs --save");
    if (o.init_path.empty()) return;
    auto file = std::make_shared<ModelFile>(load_model_file(o.init_path));
    o.init_crc32 = crc32_hex(file->values);
    o.init_file = std::move(file);
}

std::string start_line(const CommonOptions& o) {
    if (!o.init_file) return "";
    const ModelFile& f = *o.init_file;
    std::string widths;
    for (int w : f.widths) widths += (widths.empty() ? " " : "-") + std::to_string(w);
    char buf[160];
    std::snprintf(buf, sizeof buf, " (crc32 %s; %s%s, %d classes, %lld steps)",
                  o.init_crc32.c_str(), f.model_name.c_str(), widths.c_str(), f.classes,
                  (long long)f.steps);
    return "starting point: " + o.init_path + buf + ", output layer " +
           (o.keep_head ? "kept" : "new (drawn from the run's seed)");
}

}  // namespace idim::cli
