// The JavaScript surface of the core's d_int procedure (dint_procedure.h), for the page's
// asynchronous worker pool: new DintProcedure(config) .next() .report(outcomes) .finished()
// .baseline() .threshold() .result() .baselineRuns() .summary(); independent searches of one
// configuration (independent_searches.h): independentSearch(config, k), dintSpread(dInts); and
// the rules the page applies to runs outside a procedure (a chart, an opened file, the LoRA
// view): summarise(runs), firstPassingD(runs, threshold), countedAccuracy(run), dIntName(fraction).
#include <emscripten/bind.h>

#include <optional>

#include "idim/dint_procedure.h"
#include "idim/independent_searches.h"
#include "js_values.h"

namespace idim::wasm {
namespace {

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
    s.first_seed = whole_number(get<double>(c, "firstSeed", double(s.first_seed)), "firstSeed");
    val b = c["baseline"];
    if (!b.isUndefined() && !b.isNull()) p.baseline = b.as<double>();
    p.baseline_seeds = int(whole_number(get<double>(c, "baselineSeeds", p.baseline_seeds), "baselineSeeds"));
    return p;
}

val optional_to_js(std::optional<double> v) { return v ? val(*v) : val::null(); }
val optional_to_js(std::optional<uint64_t> v) { return v ? val(double(*v)) : val::null(); }

// The configuration as parse_dint_config reads it (every key written), so the page can keep it
// in a plan and hand it to new DintProcedure.
val dint_config_to_js(const DintProcedureConfig& p) {
    val c = val::object();
    c.set("dMin", double(p.search.d_min));
    c.set("dMax", double(p.search.d_max));
    c.set("seeds", p.search.seeds);
    c.set("fraction", p.search.fraction);
    c.set("growth", p.search.growth);
    c.set("precision", p.search.relative_precision);
    c.set("firstSeed", double(p.search.first_seed));
    c.set("baseline", optional_to_js(p.baseline));
    c.set("baselineSeeds", p.baseline_seeds);
    return c;
}

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

// [{d, seed, accuracy, diverged, stoppedEarly}] → outcomes: a diverged run may give accuracy NaN
// or null.
std::vector<RunOutcome> outcomes_from_js(const val& outcomes, const char* what) {
    require(outcomes.isArray(), what, ": expected an array of runs");
    std::vector<RunOutcome> list;
    const int n = outcomes["length"].as<int>();
    for (int i = 0; i < n; ++i) {
        val o = outcomes[i];
        list.push_back({whole_number(get<double>(o, "d", -1), "d"), whole_number(get<double>(o, "seed", -1), "seed"),
                        get<double>(o, "accuracy", NAN), get<bool>(o, "diverged", false),
                        get<bool>(o, "stoppedEarly", false)});
    }
    return list;
}

// [{d, runs, diverged, mean, min, max}], sorted by d.
val summaries_to_js(const std::vector<DSummary>& summaries) {
    val out = val::array();
    for (const DSummary& s : summaries) {
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
    // outcomes: as outcomes_from_js reads them.
    void report(val outcomes) {
        guarded([&] { p_->report(outcomes_from_js(outcomes, "DintProcedure.report")); });
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
    // summaries_to_js over the search's runs.
    val summary() const { return summaries_to_js(summarise(p_->result().runs)); }

private:
    std::optional<DintProcedure> p_;
};

val summarise_runs(val runs) {
    return guarded([&] { return summaries_to_js(summarise(outcomes_from_js(runs, "summarise"))); });
}

val first_passing(val runs, double threshold) {
    return guarded([&] { return optional_to_js(first_passing_d(outcomes_from_js(runs, "firstPassingD"), threshold)); });
}

// The configuration of search k (0-based) of `config`: seeds of its own (independent_search).
val independent(val config, double k) {
    return guarded([&] {
        const int search = int(whole_number(k, "the search's index"));
        return dint_config_to_js(independent_search(parse_dint_config(config), search));
    });
}

// [d_int or null (none found)] → {searches, median, low, high}, null for "above every d tried".
val spread(val d_ints) {
    return guarded([&] {
        require(d_ints.isArray(), "dintSpread: expected an array of d_int (null: none found)");
        std::vector<std::optional<uint64_t>> list;
        const int n = d_ints["length"].as<int>();
        for (int i = 0; i < n; ++i) {
            val v = d_ints[i];
            if (v.isNull() || v.isUndefined()) list.push_back(std::nullopt);
            else list.push_back(whole_number(v.as<double>(), "d_int"));
        }
        require(!list.empty(), "dintSpread: no searches");
        const DintSpread s = dint_spread(list);
        val out = val::object();
        val searches = val::array();
        for (const auto& d : s.searches) searches.call<void>("push", optional_to_js(d));
        out.set("searches", searches);
        out.set("median", optional_to_js(s.median));
        out.set("low", optional_to_js(s.low));
        out.set("high", optional_to_js(s.high));
        return out;
    });
}

// {accuracy, diverged}: what the run adds to its d's mean (a failed run 0).
double counted(val run) {
    return guarded([&] {
        return counted_accuracy({0, 0, get<double>(run, "accuracy", NAN), get<bool>(run, "diverged", false), false});
    });
}

}  // namespace
}  // namespace idim::wasm

EMSCRIPTEN_BINDINGS(idim_dint) {
    using namespace idim::wasm;
    emscripten::class_<JsDintProcedure>("DintProcedure")
        .constructor<val>()
        .function("next", &JsDintProcedure::next)
        .function("report", &JsDintProcedure::report)
        .function("finished", &JsDintProcedure::finished)
        .function("baseline", &JsDintProcedure::baseline)
        .function("threshold", &JsDintProcedure::threshold)
        .function("baselineRuns", &JsDintProcedure::baselineRuns)
        .function("result", &JsDintProcedure::result)
        .function("summary", &JsDintProcedure::summary);
    emscripten::function("independentSearch", &independent);
    emscripten::function("dintSpread", &spread);
    emscripten::function("summarise", &summarise_runs);
    emscripten::function("firstPassingD", &first_passing);
    emscripten::function("countedAccuracy", &counted);
    emscripten::function("dIntName", &idim::d_int_name);
}
