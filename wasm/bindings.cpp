// The JavaScript surface of the WebAssembly module (Embind), small and handle-based:
//   loadMnist(palette, labels, pixels)          the digits, once per module
//   new Run(config)  .train(onProgress) .step(indices) .steps(n) .stepsPerEpoch() .batchLoss(indices)
//                    .timeSteps(n) .evaluate() .evaluateTrain() .getTrainable() .setTrainable(f32)
//                    .dimFull() .dimTrainable() .describe() .modelFile()
//   inspectModelFile(bytes)                     a model file's header (pretrained.h checks the rest)
//   new DintProcedure(config) .next() .report(outcomes) .finished() .baseline() .threshold()
//                    .result() .baselineRuns() .summary() .range()     (dint_procedure.h)
//   defaults()                                  the core's training and search defaults
//   dimOf(config)                               D of a run configuration's network
//   projectionFingerprint(kind, seed, side, widths, d), version(), backend()
// (DintProcedure is bound in dint_bindings.cpp.) Every C++ error (idim::Error, std::bad_alloc,
// ...) comes back as a JS Error with its message (js_values.h).
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <cmath>
#include <new>
#include <optional>

#include "idim/error.h"
#include "idim/dint_procedure.h"
#include "js_values.h"
#include "projection_checksum.h"
#include "run.h"

using emscripten::val;

namespace idim::wasm {
namespace {

constexpr double kProgressIntervalMs = 100;   // at most ~10 progress messages a second per run

// A dense P is regenerated in tiles above this size: a worker's memory is capped (CMakeLists.txt).
constexpr double kMaxDenseProjectionMb = 128;

RunConfig parse_config(const val& c) {
    require(c.typeOf().as<std::string>() == "object", "Run: the configuration must be an object");
    RunConfig r;
    r.task = get<std::string>(c, "task", r.task);
    r.train_size = size_t(get<double>(c, "trainSize", 0));
    r.data_seed = uint64_t(get<double>(c, "dataSeed", 0));
    r.points = size_t(get<double>(c, "points", double(r.points)));
    r.noise = get<double>(c, "noise", r.noise);
    r.model.kind = parse_model(get<std::string>(c, "model", to_string(r.model.kind)));
    r.model.widths = get_ints(c, "widths", r.model.widths);
    SubspaceSpec& s = r.subspace;
    s.method = parse_method(get<std::string>(c, "method", to_string(s.method)));
    s.projection = parse_projection(get<std::string>(c, "projection", to_string(s.projection)));
    s.d = whole_number(get<double>(c, "d", 0), "d");
    s.lora_rank = int(whole_number(get<double>(c, "rank", 0), "rank"));
    s.max_projection_mb = kMaxDenseProjectionMb;
    // Whatever the page leaves out is the core's default, so the page and the CLI share one set.
    const TrainConfig d = default_train_config(r.task == "toy", s.method == Method::full);
    r.train.epochs = get<int>(c, "epochs", d.epochs);
    r.train.batch = get<int>(c, "batch", d.batch);
    r.train.weight_decay = get<double>(c, "weightDecay", d.weight_decay);
    r.train.evaluate_train = get<bool>(c, "evaluateTrain", false) ? TrainEval::every_epoch : TrainEval::never;
    r.train.optimizer = d.optimizer;
    r.train.optimizer.kind =
        parse_optimizer(get<std::string>(c, "optimizer", to_string(d.optimizer.kind)));
    r.train.optimizer.lr = get<double>(c, "lr", d.optimizer.lr);
    r.train.optimizer.momentum = get<double>(c, "momentum", d.optimizer.momentum);
    r.train.optimizer.schedule =
        parse_schedule(get<std::string>(c, "schedule", to_string(d.optimizer.schedule)));
    static_cast<RunSpec&>(r) = run_spec(r.subspace, r.train, whole_number(get<double>(c, "seed", 0), "seed"));
    r.target_accuracy = get<double>(c, "targetAccuracy", r.target_accuracy);
    r.classes = get_ints(c, "classes", r.classes);
    const val init = c["initFile"];   // a Uint8Array of a model file's bytes
    if (!init.isUndefined() && !init.isNull()) {
        const std::vector<uint8_t> bytes = emscripten::convertJSArrayToNumberVector<uint8_t>(init);
        r.init_file.assign(bytes.begin(), bytes.end());
    }
    r.keep_head = get<bool>(c, "keepHead", false);
    return r;
}

// A TrainConfig in parse_config's keys, so the page can spread it into a run's configuration.
val train_config_to_js(const TrainConfig& t) {
    val out = val::object();
    out.set("epochs", t.epochs);
    out.set("batch", t.batch);
    out.set("weightDecay", t.weight_decay);
    out.set("optimizer", to_string(t.optimizer.kind));
    out.set("lr", t.optimizer.lr);
    out.set("momentum", t.optimizer.momentum);
    out.set("schedule", to_string(t.optimizer.schedule));
    return out;
}

// {full, subspace, toy: run settings; dint: the search's, in DintProcedure's keys (dMax 0: D);
// toyDint: where the toy task's search differs from it (toy_dint_config); projection, toyProjection:
// P of the subspace runs and of the toy task's; giveUpFrom: the epoch from which a run that cannot
// reach its target stops}.
val defaults() {
    val out = val::object();
    out.set("full", train_config_to_js(TrainConfig{}));
    out.set("subspace", train_config_to_js(subspace_train_config()));
    out.set("toy", train_config_to_js(toy_train_config()));
    const DintProcedureConfig p;
    val dint = val::object();
    dint.set("dMin", double(p.search.d_min));
    dint.set("dMax", double(p.search.d_max));
    dint.set("seeds", p.search.seeds);
    dint.set("fraction", p.search.fraction);
    dint.set("growth", p.search.growth);
    dint.set("precision", p.search.relative_precision);
    dint.set("baselineSeeds", p.baseline_seeds);
    out.set("dint", dint);
    const DintProcedureConfig toy = toy_dint_config();
    val toy_dint = val::object();
    toy_dint.set("dMin", double(toy.search.d_min));
    toy_dint.set("fraction", toy.search.fraction);
    toy_dint.set("baseline", toy.baseline ? val(*toy.baseline) : val::null());
    out.set("toyDint", toy_dint);
    out.set("projection", to_string(SubspaceSpec{}.projection));
    out.set("toyProjection", to_string(toy_projection));
    out.set("giveUpFrom", TrainHooks{}.give_up_from_epoch);
    return out;
}

// D of a run configuration's network (the keys of parse_config; no digits needed).
double dim_of_config(val config) {
    return guarded([&] { return double(dim_of(parse_config(config))); });
}

val metrics_to_js(const Metrics& m) {
    val out = val::object();
    out.set("loss", m.loss);
    out.set("accuracy", m.accuracy);
    return out;
}

val epoch_to_js(const EpochRecord& e) {
    val out = val::object();
    out.set("epoch", e.epoch);
    out.set("trainLoss", e.train_loss);
    out.set("testLoss", e.test_loss);
    out.set("testAccuracy", e.test_accuracy);
    out.set("seconds", e.seconds);
    return out;
}

val floats_to_js(std::span<const float> v) {
    return val::global("Float32Array").new_(emscripten::typed_memory_view(v.size(), v.data()));
}

std::vector<uint32_t> indices_from_js(const val& v) {
    std::vector<double> raw = emscripten::convertJSArrayToNumberVector<double>(v);
    std::vector<uint32_t> out;
    for (double x : raw) {
        require(x >= 0 && x == std::floor(x) && x < 4294967296.0, "batch indices must be whole numbers >= 0");
        out.push_back(uint32_t(x));
    }
    require(!out.empty(), "the batch is empty");
    return out;
}

// The handle JavaScript holds (call .delete() when done).
class JsRun {
public:
    explicit JsRun(val config) : run_(guarded([&] { return Run(parse_config(config)); })) {}

    double dimFull() const { return double(run_->dim_full()); }
    double dimTrainable() const { return double(run_->dim_trainable()); }
    std::string describe() const { return run_->describe(); }

    // on_progress({type: "step"|"epoch", ...}) is called at most every 100 ms for each type.
    val train(val on_progress) {
        return guarded([&] {
            TrainHooks hooks;
            double last = -1e300, last_epoch = -1e300;
            const bool report = on_progress.typeOf().as<std::string>() == "function";
            if (report) {
                // Time-throttled, so a task of one step per epoch (the toy) cannot flood the page.
                hooks.on_step = [&](const StepInfo& s) {
                    double now = emscripten_get_now();
                    if (now - last < kProgressIntervalMs) return;
                    last = now;
                    val msg = val::object();
                    msg.set("type", "step");
                    msg.set("epoch", s.epoch);
                    msg.set("step", double(s.step));
                    msg.set("stepsPerEpoch", double(s.steps_per_epoch));
                    msg.set("totalStep", double((s.epoch - 1) * s.steps_per_epoch + s.step));
                    msg.set("loss", s.loss);
                    on_progress(msg);
                };
                hooks.on_epoch = [&](const EpochRecord& e) {
                    double now = emscripten_get_now();
                    if (now - last_epoch < kProgressIntervalMs) return true;
                    last_epoch = now;
                    val msg = epoch_to_js(e);
                    msg.set("type", "epoch");
                    on_progress(msg);
                    return true;
                };
            }
            TrainResult r = run_->train(hooks);
            val out = val::object();
            out.set("testAccuracy", r.test_accuracy);
            out.set("testLoss", r.test_loss);
            out.set("diverged", r.diverged());
            out.set("stop", to_string(r.stop));
            out.set("stoppedEarly", r.checkpoint != nullptr);   // as the CLI's outcome_of
            out.set("steps", double(r.steps));
            out.set("seconds", r.seconds);
            val epochs = val::array();
            for (const EpochRecord& e : r.epochs) epochs.call<void>("push", epoch_to_js(e));
            out.set("epochs", epochs);
            return out;
        });
    }

    double step(val indices) {
        return guarded([&] { return run_->step(indices_from_js(indices)); });
    }
    double steps(int n) {
        return guarded([&] { return run_->steps(n); });
    }
    double stepsPerEpoch() const { return double(run_->steps_per_epoch()); }
    double timeSteps(int n) {
        return guarded([&] { return run_->time_steps(n); });
    }
    double batchLoss(val indices) {
        return guarded([&] { return run_->batch_loss(indices_from_js(indices)); });
    }
    val evaluate() {
        return guarded([&] {
            val out = val::object();
            out.set("test", metrics_to_js(run_->evaluate_test()));
            return out;
        });
    }
    // The objective over all training examples (what the landscape draws).
    val evaluateTrain() {
        return guarded([&] { return metrics_to_js(run_->evaluate_train()); });
    }
    val modelFile() const {
        return guarded([&] {
            const std::string bytes = run_->model_file();
            return val::global("Uint8Array").new_(emscripten::typed_memory_view(bytes.size(),
                                                   reinterpret_cast<const uint8_t*>(bytes.data())));
        });
    }
    val getTrainable() const { return floats_to_js(run_->trainable()); }
    void setTrainable(val values) {
        guarded([&] { run_->set_trainable(emscripten::convertJSArrayToNumberVector<float>(values)); });
    }

private:
    std::optional<Run> run_;
};

void load_mnist(val palette, val labels, val pixels) {
    guarded([&] {
        std::vector<float> table = emscripten::convertJSArrayToNumberVector<float>(palette);
        std::vector<uint8_t> lab = emscripten::convertJSArrayToNumberVector<uint8_t>(labels);
        std::vector<uint8_t> pix = emscripten::convertJSArrayToNumberVector<uint8_t>(pixels);
        require(table.size() == 256, "loadMnist: the palette must hold 256 values");
        require(pix.size() == lab.size() * 784, "loadMnist: expected 784 pixels per label");
        Dataset all;
        all.height = all.width = 28;
        all.channels = 1;
        all.classes = 10;
        all.images.resize(pix.size());
        for (size_t i = 0; i < pix.size(); ++i) all.images[i] = table[pix[i]];
        all.labels.assign(lab.begin(), lab.end());
        for (int32_t l : all.labels) require(l < 10, "loadMnist: a label is not a digit");
        set_mnist_digits(std::move(all));
    });
}

val fingerprint(std::string kind, double seed, int side, val widths, double d) {
    return guarded([&] {
        require(d >= 1 && d == std::floor(d), "projectionFingerprint: d must be a whole number >= 1");
        ProjectionFingerprint f = projection_fingerprint(default_backend(), kind, uint64_t(seed), side,
                                                         emscripten::vecFromJSArray<int>(widths), size_t(d));
        val out = val::object();
        out.set("hash", f.hash);
        out.set("sumAbs", f.sum_abs);
        out.set("D", double(f.dim_full));
        out.set("d", double(f.dim_sub));
        return out;
    });
}

// The header of a model file's bytes ({kind, model, widths, input: [h, w, c], classes, D, data}),
// so the page can pick the network and refuse a subspace file before any run; throws, naming
// what is wrong, for anything parse_model_file refuses.
val inspect_model_file(val bytes, std::string name) {
    return guarded([&] {
        const std::vector<uint8_t> b = emscripten::convertJSArrayToNumberVector<uint8_t>(bytes);
        const ModelFile f = parse_model_file(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), name);
        val out = val::object();
        out.set("kind", f.kind);
        out.set("model", f.model_name);
        out.set("widths", val::array(f.widths));
        out.set("input", val::array(std::vector<int>{f.input.height, f.input.width, f.input.channels}));
        out.set("classes", f.classes);
        out.set("D", double(f.dim_full));
        out.set("data", f.data);
        return out;
    });
}

std::string version() { return IDIM_VERSION; }
std::string backend() { return default_backend().name(); }

}  // namespace
}  // namespace idim::wasm

EMSCRIPTEN_BINDINGS(idim) {
    using namespace idim::wasm;
    emscripten::class_<JsRun>("Run")
        .constructor<val>()
        .function("dimFull", &JsRun::dimFull)
        .function("dimTrainable", &JsRun::dimTrainable)
        .function("describe", &JsRun::describe)
        .function("train", &JsRun::train)
        .function("step", &JsRun::step)
        .function("batchLoss", &JsRun::batchLoss)
        .function("steps", &JsRun::steps)
        .function("stepsPerEpoch", &JsRun::stepsPerEpoch)
        .function("timeSteps", &JsRun::timeSteps)
        .function("evaluate", &JsRun::evaluate)
        .function("evaluateTrain", &JsRun::evaluateTrain)
        .function("modelFile", &JsRun::modelFile)
        .function("getTrainable", &JsRun::getTrainable)
        .function("setTrainable", &JsRun::setTrainable);
    emscripten::function("defaults", &defaults);
    emscripten::function("dimOf", &dim_of_config);
    emscripten::function("loadMnist", &load_mnist);
    emscripten::function("projectionFingerprint", &fingerprint);
    emscripten::function("inspectModelFile", &inspect_model_file);
    emscripten::function("version", &version);
    emscripten::function("backend", &backend);
}
