// Pretrained starting points and rebuilt subspace runs (pretrained.h). The output layer is the
// last parameterised layer: the tail of θ, so a new head overwrites θ0 from the first of its
// parameters on.
#include "idim/pretrained.h"

#include <sstream>

#include "idim/error.h"

namespace idim {
namespace {

std::string widths_text(const std::vector<int>& widths) {
    std::ostringstream out;
    for (size_t i = 0; i < widths.size(); ++i) out << (i ? "-" : "") << widths[i];
    return widths.empty() ? "none" : out.str();
}

std::string shape_text(Shape s) {
    return std::to_string(s.height) + "x" + std::to_string(s.width) + "x" + std::to_string(s.channels);
}

// Where the output layer's parameters start in θ.
size_t head_offset(const Model& model) {
    const std::vector<ParamGroup> groups = model.param_groups();
    require(!groups.empty(), "model: no parameters");
    const std::string last = groups.back().name.substr(0, groups.back().name.find('.'));
    size_t offset = groups.back().offset;
    for (const ParamGroup& g : groups)
        if (g.name.substr(0, g.name.find('.')) == last) offset = std::min(offset, g.offset);
    return offset;
}

}  // namespace

ModelFile model_file_of(const Architecture& arch, std::vector<float> theta, uint64_t seed,
                        int64_t steps, std::string data, std::string config_json) {
    ModelFile f;
    f.model_name = to_string(arch.model.kind);
    if (arch.model.kind == ModelKind::fc) f.widths = arch.model.widths;
    f.input = arch.input;
    f.classes = arch.classes;
    f.dim_full = make_model(arch.model, arch.input, arch.classes)->dim();
    require(theta.size() == f.dim_full, "model file: θ has ", theta.size(), " values, the network ",
            f.dim_full);
    f.seed = seed;
    f.steps = steps;
    f.data = std::move(data);
    f.config_json = std::move(config_json);
    f.values = std::move(theta);
    return f;
}

void check_architecture(const ModelFile& file, const Architecture& wanted, bool keep_head,
                        const std::string& what) {
    const std::string at = what + ": ";
    ModelSpec saved;
    try {
        saved.kind = parse_model(file.model_name);
    } catch (const Error& e) {
        throw Error(at + e.what());
    }
    require(saved.kind == wanted.model.kind, at, "holds a ", file.model_name,
            " network but this run asks for ", to_string(wanted.model.kind));
    if (saved.kind == ModelKind::fc) {
        saved.widths = file.widths;
        require(file.widths == wanted.model.widths, at, "its hidden widths are ",
                widths_text(file.widths), " but this run asks for ",
                widths_text(wanted.model.widths));
    }
    require(file.input.height == wanted.input.height && file.input.width == wanted.input.width &&
                file.input.channels == wanted.input.channels,
            at, "its input is ", shape_text(file.input), " but this run's data is ",
            shape_text(wanted.input));
    require(!keep_head || file.classes == wanted.classes, at, "--keep-head needs the same classes, "
            "but the file's output layer has ", file.classes, " and this run's data has ",
            wanted.classes, " (without --keep-head the output layer is drawn new)");
    require(file.classes >= 2, at, "its network has ", file.classes, " classes (at least 2)");
    const size_t dim = make_model(saved, file.input, file.classes)->dim();
    require(file.dim_full == dim, at, "D = ", file.dim_full, " in the header, but its network has ",
            dim);
}

std::shared_ptr<const StartingPoint> starting_point(const ModelFile& file,
                                                    const Architecture& wanted, bool keep_head,
                                                    const std::string& what) {
    require(file.kind == "model", what, ": a ", file.kind, " file is no starting point (a model "
            "file from `idim train --save` is)");
    check_architecture(file, wanted, keep_head, what);
    auto start = std::make_shared<StartingPoint>();
    start->values = file.values;
    start->kept = keep_head ? file.values.size()
                            : head_offset(*make_model(wanted.model, wanted.input, wanted.classes));
    return start;
}

SubspaceSpec subspace_spec_of(const ModelFile& file, std::shared_ptr<const StartingPoint> start) {
    require(file.kind == "subspace" && file.subspace, "not a subspace file");
    SubspaceSpec spec;
    spec.method = parse_method(file.subspace->method);
    spec.projection = parse_projection(file.subspace->projection);
    spec.d = file.subspace->d;
    spec.seed = file.seed;
    spec.start = std::move(start);
    return spec;
}

std::vector<float> rebuild_theta(Backend& be, const Task& task, const ModelFile& file,
                                 std::shared_ptr<const StartingPoint> start) {
    const SubspaceSpec spec = subspace_spec_of(file, std::move(start));
    require(task.dim() == file.dim_full, "subspace file: D = ", file.dim_full,
            " but the network has ", task.dim());
    auto param = make_parametrization(be, task, spec);
    require(param->trainable_count() == file.values.size(), "subspace file: ",
            file.values.size(), " values for ", param->trainable_count(), " trainable numbers");
    Buffer<float> trainable(be, std::span<const float>(file.values));
    Buffer<float> theta(be, task.dim());
    param->expand(be, trainable.data(), theta.data());
    return theta.download();
}

}  // namespace idim
