// Starting from a saved model (Aghajanyan et al. 2021: intrinsic dimension around a pretrained θ0)
// and rebuilding a saved subspace run: the bridge between model files (model_file.h) and the
// parametrizations (subspace.h). The architecture of a file is checked against the network a run
// asks for before any of its numbers are used.
#pragma once
#include <memory>
#include <string>

#include "idim/learned_subspace.h"
#include "idim/model.h"
#include "idim/model_file.h"
#include "idim/subspace.h"

namespace idim {

// The network a model file was saved from, and the one a run asks for.
struct Architecture {
    ModelSpec model;
    Shape input;
    int classes = 0;
};

// A model file of θ (D values) for the network `arch`; config_json, data and steps as given.
ModelFile model_file_of(const Architecture& arch, std::vector<float> theta, uint64_t seed,
                        int64_t steps, std::string data, std::string config_json);

// Refuses (idim::Error naming `what` and the difference) a file whose network differs from
// `wanted` in kind, hidden widths or input shape, or — with keep_head — in the number of classes;
// also a file whose D is not its network's.
void check_architecture(const ModelFile& file, const Architecture& wanted, bool keep_head,
                        const std::string& what);

// θ0 for runs on `wanted` from a model file: its parameters up to the output layer, and the
// output layer too with keep_head (otherwise each run draws a new one from its seed).
std::shared_ptr<const StartingPoint> starting_point(const ModelFile& file,
                                                    const Architecture& wanted, bool keep_head,
                                                    const std::string& what);

// The SubspaceSpec a subspace file was made with (its start excepted: pass the same starting
// point the run had, or null for a random θ0).
SubspaceSpec subspace_spec_of(const ModelFile& file, std::shared_ptr<const StartingPoint> start);

// θ = θ0 + P·θ_d of a subspace file over `task` (the same network and data it was trained on).
std::vector<float> rebuild_theta(Backend& be, const Task& task, const ModelFile& file,
                                 std::shared_ptr<const StartingPoint> start);

// A learned subspace file (kind "learned") of `learned` for the network `arch`; start_crc32 and
// head_kept describe θ0 as SubspaceRecord does.
ModelFile learned_file_of(const Architecture& arch, const LearnedSubspace& learned,
                          std::optional<std::string> start_crc32, bool head_kept,
                          std::string data, std::string config_json);

// The learned subspace a file holds; refuses (idim::Error naming `what`) any other kind, an
// unknown decoder or projection, and weights that do not fit the decoder's shape.
LearnedSubspace learned_subspace_of(const ModelFile& file, const std::string& what);

}  // namespace idim
