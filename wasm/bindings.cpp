// The JavaScript surface of the WebAssembly module (Embind), small and handle-based:
//   loadMnist(palette, labels, pixels)          the digits, once per module
//   new Run(config)  .train(onProgress) .step(indices) .batchLoss(indices) .timeSteps(n) .evaluate()
//                    .getTrainable() .setTrainable(f32) .dimFull() .dimTrainable() .describe()
//   new DintProcedure(config) .next() .report(outcomes) .finished() .baseline() .threshold()
//                    .result() .baselineRuns() .summary() .range()     (dint_procedure.h)
//   defaults()                                  the core's training and search defaults
//   projectionFingerprint(kind, seed, side, widths, d), version(), backend()
// Every C++ error (idim::Error, std::bad_alloc, ...) comes back as a JS Error with its message.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <cmath>
#include <new>
#include <optional>

#include "idim/dint_procedure.h"
#include "idim/error.h"
#include "projection_checksum.h"
#include "run.h"

using emscripten::val;

namespace idim::wasm {
namespace {

constexpr double kProgressIntervalMs = 100;   // at most ~10 progress messages a second per run

// Runs f, turning any C++ exception into a thrown JS Error. The message is copied out of the
// catch block first, so the C++ exception is finished before JS unwinds the wasm frames.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
    std::string message;
    try {
        return f();
    } catch (const std::bad_alloc&) {
        message = "out of memory: the WebAssembly module is capped at " IDIM_WASM_MAX_MEMORY
                  " (try a smaller model, d or data subset)";
    } catch (const std::exception& e) {
        message = e.what();
    } catch (...) {
        message = "unknown C++ error";
    }
    val::global("Error").new_(val(message)).throw_();
}

// A dense P is regenerated in tiles above this size: a worker's memory is capped (CMakeLists.txt).
constexpr double kMaxDenseProjectionMb = 128;

// JavaScript numbers are doubles: a count or seed must be whole, not negative, and exact.
uint64_t whole_number(double x, const char* name) {
    require(std::isfinite(x) && x >= 0 && x == std::floor(x) && x <= 9007199254740992.0, name,
            " must be a whole number >= 0, got ", x);
    return uint64_t(x);
}

template <class T>
T get(const val& obj, const char* key, T fallback) {
    val v = obj[key];
    if (v.isUndefined() || v.isNull()) return fallback;
    return v.as<T>();
}

std::vector<int> get_ints(const val& obj, const char* key, std::vector<int> fallback) {
    val v = obj[key];
    if (v.isUndefined() || v.isNull()) return fallback;
    return emscripten::vecFromJSArray<int>(v);
}

// The core's training defaults for a run: the CLI picks them the same way (native/options.cpp):
// the toy task's own, full training's, or the subspace runs'.
TrainConfig default_train_config(const std::string& task, Method method) {
    if (task == "toy") return toy_train_config();
    return method == Method::full ? TrainConfig{} : subspace_train_config();
}

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
    s.seed = whole_number(get<double>(c, "seed", 0), "seed");
    s.max_projection_mb = kMaxDenseProjectionMb;
    // Whatever the page leaves out is the core's default, so the page and the CLI share one set.
    const TrainConfig d = default_train_config(r.task, s.method);
    r.train.epochs = get<int>(c, "epochs", d.epochs);
    r.train.batch = get<int>(c, "batch", d.batch);
    r.train.seed = s.seed;
    r.train.weight_decay = get<double>(c, "weightDecay", d.weight_decay);
    r.train.evaluate_train = get<bool>(c, "evaluateTrain", false) ? TrainEval::every_epoch : TrainEval::never;
    r.train.optimizer = d.optimizer;
    r.train.optimizer.kind =
        parse_optimizer(get<std::string>(c, "optimizer", to_string(d.optimizer.kind)));
    r.train.optimizer.lr = get<double>(c, "lr", d.optimizer.lr);
    r.train.optimizer.momentum = get<double>(c, "momentum", d.optimizer.momentum);
    r.train.optimizer.schedule =
        parse_schedule(get<std::string>(c, "schedule", to_string(d.optimizer.schedule)));
    r.target_accuracy = get<double>(c, "targetAccuracy", r.target_accuracy);
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
// giveUpFrom: the epoch from which a run that cannot reach its target stops}.
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
    out.set("giveUpFrom", TrainHooks{}.give_up_from_epoch);
    return out;
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
    val getTrainable() const { return floats_to_js(run_->trainable()); }
    void setTrainable(val values) {
        guarded([&] { run_->set_trainable(emscripten::convertJSArrayToNumberVector<float>(values)); });
    }

private:
    std::optional<Run> run_;
};

DintProcedureConfig parse_dint_config(const val& c) {
    require(c.typeOf().as<std::string>() == "object", "DintProcedure: the configuration must be an object");
    DintProcedureConfig p;
    DintConfig& s = p.search;
    s.d_min = whole_number(get<double>(c, "dMin", double(s.d_min)), "dMin");
    s.d_max = whole_number(get<double>(c, "dMax", double(s.d_max)), "dMax");
    s.seeds = int(whole_number(get<double>(c, "seeds", s.seeds), "seeds"));
    s.fraction = get<double>(c, "fraction", s.fraction);
    s.growth = get<double>(c, "growth", s.growth);
    s.relative_precision = get<double>(c, "precision", s.relative_precision);
    val b = c["baseline"];
    if (!b.isUndefined() && !b.isNull()) p.baseline = b.as<double>();
    p.baseline_seeds = int(whole_number(get<double>(c, "baselineSeeds", p.baseline_seeds), "baselineSeeds"));
    return p;
}

val optional_to_js(std::optional<double> v) { return v ? val(*v) : val::null(); }
val optional_to_js(std::optional<uint64_t> v) { return v ? val(double(*v)) : val::null(); }

val outcomes_to_js(const std::vector<RunOutcome>& runs) {
    val out = val::array();
    for (const RunOutcome& r : runs) {
        val o = val::object();
        o.set("d", double(r.d));
        o.set("seed", double(r.seed));
        o.set("accuracy", r.accuracy);
        o.set("diverged", r.diverged);
        o.set("stoppedEarly", r.stopped_early);
        out.call<void>("push", o);
    }
    return out;
}

// The core's d_int procedure (dint_procedure.h) for the page's asynchronous worker pool: the
// page asks for a batch, trains it in its workers, reports the outcomes, and so on until finished.
class JsDintProcedure {
public:
    explicit JsDintProcedure(val config)
        : p_(guarded([&] { return DintProcedure(parse_dint_config(config)); })) {}

    // [{d, seed, earlyStops, baseline}]; d is 0 for a baseline run (full training).
    val next() const {
        val out = val::array();
        for (const RunRequest& r : p_->next()) {
            val o = val::object();
            o.set("d", double(r.d));
            o.set("seed", double(r.seed));
            o.set("earlyStops", r.early_stops);
            o.set("baseline", !p_->baseline().has_value());
            out.call<void>("push", o);
        }
        return out;
    }
    // [{d, seed, accuracy, diverged, stoppedEarly}]: a diverged run may give accuracy NaN or null.
    void report(val outcomes) {
        guarded([&] {
            require(outcomes.isArray(), "DintProcedure.report: expected an array of outcomes");
            std::vector<RunOutcome> list;
            const int n = outcomes["length"].as<int>();
            for (int i = 0; i < n; ++i) {
                val o = outcomes[i];
                RunOutcome r{whole_number(get<double>(o, "d", -1), "d"),
                             whole_number(get<double>(o, "seed", -1), "seed"),
                             get<double>(o, "accuracy", NAN), get<bool>(o, "diverged", false),
                             get<bool>(o, "stoppedEarly", false)};
                list.push_back(r);
            }
            p_->report(list);
        });
    }
    bool finished() const { return p_->finished(); }
    val baseline() const { return optional_to_js(p_->baseline()); }
    val threshold() const { return optional_to_js(p_->threshold()); }
    val baselineRuns() const { return outcomes_to_js(p_->baseline_runs()); }
    // {dint (null until found), threshold, runs}: the search's runs so far, a run trained on to
    // its last epoch in place of its early-stopped outcome.
    val result() const {
        val out = val::object();
        out.set("dint", optional_to_js(p_->result().d_int));
        out.set("threshold", optional_to_js(p_->threshold()));
        out.set("runs", outcomes_to_js(p_->result().runs));
        return out;
    }
    // [{d, runs, diverged, mean, min, max}] over the search's runs, sorted by d.
    val summary() const {
        val out = val::array();
        for (const DSummary& s : summarise(p_->result().runs)) {
            val o = val::object();
            o.set("d", double(s.d));
            o.set("runs", s.runs);
            o.set("diverged", s.diverged);
            o.set("mean", s.mean);
            o.set("min", s.min);
            o.set("max", s.max);
            out.call<void>("push", o);
        }
        return out;
    }
    // {low, high}: the bootstrap range of d_int over resampled seeds (null: none / above every d).
    val range() const {
        return guarded([&] {
            val out = val::object();
            const auto t = p_->threshold();
            const DintRange r = t ? bootstrap_range(p_->result().runs, *t) : DintRange{};
            out.set("low", optional_to_js(r.low));
            out.set("high", optional_to_js(r.high));
            return out;
        });
    }

private:
    std::optional<DintProcedure> p_;
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
        .function("timeSteps", &JsRun::timeSteps)
        .function("evaluate", &JsRun::evaluate)
        .function("getTrainable", &JsRun::getTrainable)
        .function("setTrainable", &JsRun::setTrainable);
    emscripten::class_<JsDintProcedure>("DintProcedure")
        .constructor<val>()
        .function("next", &JsDintProcedure::next)
        .function("report", &JsDintProcedure::report)
        .function("finished", &JsDintProcedure::finished)
        .function("baseline", &JsDintProcedure::baseline)
        .function("threshold", &JsDintProcedure::threshold)
        .function("baselineRuns", &JsDintProcedure::baselineRuns)
        .function("result", &JsDintProcedure::result)
        .function("summary", &JsDintProcedure::summary)
        .function("range", &JsDintProcedure::range);
    emscripten::function("defaults", &defaults);
    emscripten::function("loadMnist", &load_mnist);
    emscripten::function("projectionFingerprint", &fingerprint);
    emscripten::function("version", &version);
    emscripten::function("backend", &backend);
}
