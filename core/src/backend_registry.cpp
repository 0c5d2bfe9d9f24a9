// The one place that knows which backends exist (ggml's backend registry, in miniature).
// A CUDA backend adds one line here behind IDIM_CUDA; models, training and the CLI never change.
#include "idim/backend.h"
#include "idim/error.h"
#include "cpu/backend_cpu.h"
#include "cpu/backend_reference.h"

namespace idim {

std::vector<std::string> backend_names() { return {"cpu", "reference"}; }

Backend& backend_by_name(const std::string& name) {
    if (name == "cpu") return cpu_backend_instance();
    if (name == "reference") return reference_backend_instance();
    throw Error("unknown backend '" + name + "' (known: cpu, reference)");
}

Backend& default_backend() { return cpu_backend_instance(); }

}  // namespace idim
