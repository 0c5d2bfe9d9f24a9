// A program that brings its own task to idim: K random linear measurements of θ must reach the
// targets 1 … K. Its solutions form an affine set of dimension D − K, so a random d-dimensional
// subspace through θ0 meets it exactly when d ≥ K: d_int100 is K. The program trains it in
// Fastfood subspaces, lets DintProcedure choose which d to try, and prints the d_int100 found.
// docs/library.md walks through it; the install test builds and runs it.
#include <idim/idim.h>

#include <cstdio>
#include <vector>

namespace {

constexpr int K = 4, D = 256;

// A Task owns the loss and its gradient; idim owns θ, the subspace and the training loop. θ and
// dθ live in the backend's memory, so a task that computes on the host copies them across (on the
// CPU backend a plain copy).
class Measurements final : public idim::Task {
public:
    // The task's own data: K fixed rows a_k of standard normals, drawn from a seed of the task's
    // own (not a run's), so every run sees the same task.
    Measurements() : a_(size_t(K) * D) {
        const idim::CounterRng rng(7, idim::Stream::init);
        for (size_t i = 0; i < a_.size(); ++i) a_[i] = float(rng.normal(i));
    }
    size_t dim() const override { return D; }
    // One tensor; SAID scales and LoRA adapts per tensor, a plain subspace ignores them.
    std::vector<idim::ParamGroup> param_groups() const override {
        return {{"theta", 0, D, false, 0}};
    }
    size_t train_size() const override { return 1; }         // no examples: one full step per epoch
    bool has_accuracy() const override { return false; }     // success is a loss below tolerance
    void init_params(float* theta, uint64_t seed) const override {
        const idim::CounterRng rng(seed, idim::Stream::init);   // θ0 ~ N(0, 0.1²), from the seed
        for (size_t i = 0; i < D; ++i) theta[i] = float(0.1 * rng.normal(i));
    }
    // L = Σ_k (a_k·θ − (k + 1))²;  dθ = Σ_k 2(a_k·θ − (k + 1))·a_k
    idim::Metrics loss_and_grad(idim::Backend& be, const float* theta, std::span<const uint32_t>,
                                float* dtheta) override {
        const std::vector<double> r = residuals(be, theta);
        std::vector<float> grad(D, 0.0f);
        for (int k = 0; k < K; ++k)
            for (int i = 0; i < D; ++i) grad[i] += float(2 * r[k]) * a_[size_t(k) * D + i];
        be.upload(grad.data(), grad.size() * sizeof(float), dtheta);
        return metrics(r);
    }
    idim::Metrics evaluate_train(idim::Backend& be, const float* theta) override {
        return metrics(residuals(be, theta));
    }
    idim::Metrics evaluate_test(idim::Backend& be, const float* theta) override {
        return metrics(residuals(be, theta));
    }

private:
    std::vector<float> a_;   // (K, D)

    std::vector<double> residuals(idim::Backend& be, const float* theta) const {
        std::vector<float> host(D);
        be.download(theta, host.size() * sizeof(float), host.data());
        std::vector<double> r(K);
        for (int k = 0; k < K; ++k) {
            for (int i = 0; i < D; ++i) r[k] += double(a_[size_t(k) * D + i]) * host[i];
            r[k] -= k + 1;
        }
        return r;
    }
    static idim::Metrics metrics(const std::vector<double>& r) {
        double loss = 0;
        for (double x : r) loss += x * x;
        return {loss, loss < 1e-3 ? 1.0 : 0.0};   // "accuracy" 1: solved
    }
};

// One run the procedure asks for: θ = θ0 + P·θ_d with a Fastfood P of d columns, both from the
// seed, trained until solved (or to the last epoch where the procedure wants no early stop).
idim::RunOutcome run(idim::Backend& be, idim::Task& task, const idim::RunRequest& request) {
    idim::SubspaceSpec subspace;
    subspace.projection = idim::ProjectionKind::fastfood;
    subspace.d = request.d;
    // Li et al.'s toy is a least-squares loss too: SGD with momentum, up to 50,000 full steps.
    // run_spec draws θ0, P and the batch order from the run's one seed.
    const idim::RunSpec spec = idim::run_spec(subspace, idim::toy_train_config(), request.seed);
    auto param = idim::make_parametrization(be, task, spec.subspace);
    idim::TrainHooks hooks;
    if (request.early_stops) hooks.target_accuracy = 1.0;   // stop once solved
    hooks.give_up_from_epoch = 0;                           // a slow descent is no failure
    const idim::TrainResult r = idim::train(be, task, *param, spec.train, hooks);
    return {request.d, request.seed, r.test_accuracy, r.diverged(),
            r.stop == idim::StopReason::reached_target};
}

}  // namespace

int main() {
    idim::Backend& be = idim::default_backend();
    Measurements task;
    idim::DintProcedureConfig config;
    config.search.d_min = 1;
    config.search.d_max = 32;
    config.search.seeds = 3;
    config.search.fraction = 1.0;   // d_int100: every seed must solve the task
    config.baseline = 1.0;          // a solved task is the best there is
    idim::DintProcedure procedure(config);
    while (!procedure.finished()) {
        std::vector<idim::RunOutcome> outcomes;
        for (const idim::RunRequest& request : procedure.next())
            outcomes.push_back(run(be, task, request));
        procedure.report(outcomes);
    }
    for (const idim::DSummary& s : idim::summarise(procedure.result().runs))
        std::printf("d = %2llu: solved by %.0f of %d seeds\n", (unsigned long long)s.d,
                    s.mean * s.runs, s.runs);
    const auto d_int = procedure.result().d_int;
    if (!d_int) {
        std::printf("own task: no d up to %llu solves it\n",
                    (unsigned long long)config.search.d_max);
        return 1;
    }
    std::printf("own task: D = %zu, K = %d, d_int100 = %llu\n", task.dim(), K,
                (unsigned long long)*d_int);
    return *d_int == K ? 0 : 1;
}
