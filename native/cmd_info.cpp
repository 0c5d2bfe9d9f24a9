// idim info: the model's layers, its parameter count D and the data it would train on; with
// --model-file, the header of a saved model or subspace file (checked whole, checksum included).
#include <iostream>
#include <memory>

#include "commands.h"
#include "idim/model_file.h"
#include "report.h"

namespace idim::cli {

Command add_info_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand("info", "Show a model's layers and parameter count D");
    auto o = std::make_shared<CommonOptions>();
    add_common_options(*app, *o, false);
    app->add_option("--json", o->json_path, "Write the description as JSON");
    auto model_file = std::make_shared<std::string>();
    app->add_option("--model-file", *model_file,
                    "Show the header of a model file (from train --save or subspace --save)");
    return {app, [app, o, model_file] {
        if (!model_file->empty()) {
            const ModelFile f = load_model_file(*model_file);
            std::cout << *model_file << ": idim model file, format " << kModelFileFormat << ", "
                      << f.values.size() << " float32 values, checksum verified\n"
                      << describe_model_file(f);
            return 0;
        }
        finalise_options(*app, *o);
        Problem problem(*o);
        std::cout << "data: " << problem.data_description() << '\n'
                  << problem.layers() << problem.param_groups().size() << " parameter tensors, D = "
                  << problem.dim() << '\n'
                  << "backend: " << backend_by_name(o->backend).description() << '\n';
        if (!o->json_path.empty()) {
            Json groups = Json::array();
            for (const ParamGroup& g : problem.param_groups())
                groups.push_back({{"name", g.name}, {"offset", g.offset}, {"size", g.size}});
            Json doc = results_head(config_json("info", *o, nullptr), &problem);
            doc.update({{"layers", problem.layers()}, {"param_groups", groups}});
            write_json(o->json_path, doc);
        }
        return 0;
    }};
}

}  // namespace idim::cli
