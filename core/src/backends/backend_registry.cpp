// The one place that knows which backends exist (ggml's backend registry, in miniature).
// The cuda backend is one line here behind IDIM_CUDA; models, training and the CLI never change.
#include <cstdlib>

#include "idim/backend.h"
#include "idim/error.h"
#include "backends/cpu/backend_cpu.h"
#include "backends/cpu/backend_reference.h"
#ifndef __EMSCRIPTEN__
#include "backends/remote/backend_remote.h"
#endif
#ifdef IDIM_CUDA
#include "backends/cuda/backend_cuda.h"
#endif

namespace idim {

std::vector<std::string> backend_names() {
#ifdef __EMSCRIPTEN__
    return {"cpu", "reference"};
#elif defined(IDIM_CUDA)
    return {"cpu", "reference", "remote", "cuda"};
#else
    return {"cpu", "reference", "remote"};
#endif
}

Backend& backend_by_name(const std::string& name) {
    if (name == "cpu") return cpu_backend_instance();
    if (name == "reference") return reference_backend_instance();
#ifndef __EMSCRIPTEN__
    if (name == "remote") return remote_backend_instance();
#endif
#ifdef IDIM_CUDA
    if (name == "cuda") return cuda_backend_instance();   // made (and the driver asked) here
#endif
    std::string known;
    for (const std::string& n : backend_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error("unknown backend '" + name + "' (known: " + known + ")");
}

// IDIM_BACKEND names another default: the test suite runs again on "remote" this way.
Backend& default_backend() {
    static Backend& chosen = [] () -> Backend& {
        const char* name = std::getenv("IDIM_BACKEND");
        return name && *name ? backend_by_name(name) : cpu_backend_instance();
    }();
    return chosen;
}

}  // namespace idim
