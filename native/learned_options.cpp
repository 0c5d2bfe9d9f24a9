// --learned: IST in a learned subspace file (`idim msf --save`). The file is read once the data
// fixes the network, and refused unless its tasks had this network, this number of classes and
// this starting point: its decoder writes coordinates of the P those adaptations were made in.
#include <string>

#include "idim/error.h"
#include "problem.h"

namespace idim::cli {

void add_learned_option(CLI::App& app, SubspaceOptions& o) {
    app.add_option("--learned", o.learned_path,
                   "Train only v (d_I numbers) in this learned subspace file (idim msf --save): "
                   "θ = θ0 + P·dec(v), with θ0 and P from the file's seed");
}

void finalise_learned(const CommonOptions& common, SubspaceOptions& o, const Problem& problem) {
    const std::string& path = o.learned_path;
    require(!problem.toy(), "--learned needs a network and a data set; the toy task has neither");
    const ModelFile file = load_model_file(path);
    LearnedSubspace learned = learned_subspace_of(file, path);
    const Architecture arch = problem.architecture();
    require(file.classes == arch.classes, path, ": its tasks had ", file.classes,
            " classes but this run's data has ", arch.classes);
    check_architecture(file, arch, true, path);
    const std::optional<std::string> start =
        common.init_path.empty() ? std::nullopt : std::optional<std::string>(common.init_crc32);
    const LearnedRecord& r = *file.learned;
    auto describe = [](const std::optional<std::string>& crc, bool kept) {
        return crc ? "the starting point with crc32 " + *crc + " (output layer " +
                         (kept ? "kept)" : "new)")
                   : std::string("a random θ0");
    };
    require(r.start_crc32 == start && (!start || r.head_kept == common.keep_head), path,
            ": its adaptations started from ", describe(r.start_crc32, r.head_kept),
            " but this run starts from ", describe(start, common.keep_head),
            " (give the same --init and --keep-head)");
    o.learned = std::make_shared<const LearnedSubspace>(std::move(learned));
}

}  // namespace idim::cli
