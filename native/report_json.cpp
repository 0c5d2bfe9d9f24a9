// The JSON documents of every command: the full configuration, the project version, results and
// curves. NaN and infinities become null (nlohmann-json's rule), so a diverged run reads as
// "test_accuracy": null beside "diverged": true.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "idim/error.h"
#include "report.h"

namespace idim::cli {
namespace {

constexpr size_t kMaxCurvePoints = 500;   // the toy runs thousands of one-step epochs

Json number_or_null(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

Json epoch_json(const EpochRecord& e) {
    return {{"epoch", e.epoch},
            {"train_loss", number_or_null(e.train_loss)},
            {"train_accuracy", number_or_null(e.train_accuracy)},
            {"test_loss", number_or_null(e.test_loss)},
            {"test_accuracy", number_or_null(e.test_accuracy)},
            {"seconds", e.seconds}};
}

}  // namespace

Json config_json(const std::string& command, const CommonOptions& o, const SubspaceOptions* sub) {
    const TrainConfig& t = o.train;
    const OptimizerConfig& opt = t.optimizer;
    Json data = {{"name", o.data.name},
                 {"data_dir", o.data.data_dir},
                 {"train_size", o.data.train_size},
                 {"shuffle_pixels", o.data.shuffle_pixels_seed ? Json(*o.data.shuffle_pixels_seed)
                                                              : Json(nullptr)},
                 {"shuffle_labels", o.data.shuffle_labels_fraction},
                 {"seed", o.data.seed}};
    data["classes"] = o.data.classes.empty() ? Json(nullptr) : Json(o.data.classes);
    Json config = {
        {"command", command},
        {"metric", to_string(o.metric)},
        {"give_up_from", o.give_up_from},
        {"model", {{"name", is_toy(o.data) ? "toy" : to_string(o.model.kind)}, {"widths", o.model.widths}}},
        {"data", data},
        {"train",
         {{"epochs", t.epochs}, {"batch", t.batch}, {"seed", o.seed},
          {"weight_decay", t.weight_decay}, {"evaluate_train", to_string(t.evaluate_train)}}},
        {"optimizer",
         {{"kind", to_string(opt.kind)}, {"lr", opt.lr}, {"momentum", opt.momentum}, {"beta1", opt.beta1},
          {"beta2", opt.beta2}, {"epsilon", opt.epsilon}, {"schedule", to_string(opt.schedule)},
          {"step_gamma", opt.step_gamma}, {"step_epochs", opt.step_epochs}}},
        {"threads", o.threads},
        {"backend", o.backend}};
    config["init"] = o.init_path.empty()
                         ? Json(nullptr)
                         : Json{{"path", o.init_path}, {"crc32", o.init_crc32},
                                {"head", o.keep_head ? "kept" : "new"}};
    if (sub)
        config["projection"] = {{"kind", sub->projection},
                                {"said_base", sub->said_base},
                                {"max_projection_mb", sub->max_projection_mb},
                                {"tiling", !sub->no_tiling}};
    if (sub && sub->learned)
        config["learned"] = {{"path", sub->learned_path},
                             {"decoder", to_string(sub->learned->decoder.kind)},
                             {"d_I", sub->learned->decoder.dim_in},
                             {"crc32", crc32_hex(sub->learned->decoder.weights)}};
    if (sub && sub->projection == "lora")
        config["projection"].update({{"lora_rank", sub->lora_rank}, {"lora_alpha", sub->lora_alpha}});
    return config;
}

// Epochs count from 1 without gaps, so the last one's number is how many there were.
size_t epochs_run(const TrainResult& r) { return r.epochs.empty() ? 0 : size_t(r.epochs.back().epoch); }

// By epoch number, not position: a curve thinned once (a run read back from a journal) keeps the
// same points when thinned again.
bool curve_keeps(const TrainResult& r, size_t i) {
    const size_t n = epochs_run(r);
    const size_t stride = n > kMaxCurvePoints ? (n + kMaxCurvePoints - 1) / kMaxCurvePoints : 1;
    return size_t(r.epochs[i].epoch - 1) % stride == 0 || i + 1 == r.epochs.size();
}

Json results_head(Json config, const Problem* problem) {
    Json head = {{"version", IDIM_VERSION}, {"config", std::move(config)}};
    if (problem) head.update({{"data", problem->data_description()}, {"D", problem->dim()}});
    return head;
}

Json result_json(const TrainResult& r) {
    Json curve = Json::array();
    for (size_t i = 0; i < r.epochs.size(); ++i)
        if (curve_keeps(r, i)) curve.push_back(epoch_json(r.epochs[i]));
    bool bad = r.diverged();
    return {{"test_accuracy", bad ? Json(nullptr) : number_or_null(r.test_accuracy)},
            {"train_accuracy", bad ? Json(nullptr) : number_or_null(r.train_accuracy)},
            {"test_loss", bad ? Json(nullptr) : number_or_null(r.test_loss)},
            {"diverged", bad},
            {"stop", to_string(r.stop)},
            {"epochs_run", epochs_run(r)},
            {"steps", r.steps},
            {"seconds", r.seconds},
            {"epochs_thinned", curve.size() < epochs_run(r)},
            {"epochs", curve}};
}

Json run_json(const RunRecord& r) {
    Json j = {{"d", r.d}, {"seed", r.seed}, {"projection", r.projection},
              {"score", number_or_null(r.score)}};
    j.update(result_json(r.result));
    if (!r.trained_past.empty()) j["trained_past"] = r.trained_past;
    return j;
}

Json op_stats_json(const RunRecord& r) {
    const double n = double(std::max<int64_t>(r.counted_steps, 1));
    return {{"steps", r.counted_steps},
            {"ops_per_step", double(r.step_ops.ops) / n},
            {"uploads_per_step", double(r.step_ops.uploads) / n},
            {"downloads_per_step", double(r.step_ops.downloads) / n},
            {"allocations_per_step", double(r.step_ops.allocations) / n}};
}

Json summary_json(const std::vector<DSummary>& summary) {
    Json out = Json::array();
    for (const DSummary& s : summary)
        out.push_back({{"d", s.d}, {"runs", s.runs}, {"diverged", s.diverged},
                       {"mean", s.mean}, {"min", s.min}, {"max", s.max},
                       {"mean_train_accuracy", number_or_null(s.mean_train)},
                       {"mean_test_loss", number_or_null(s.mean_test_loss)}});
    return out;
}

Json headline_json(const DSummary& s) {
    return {{"test_accuracy", s.mean_test},
            {"train_accuracy", number_or_null(s.mean_train)},
            {"test_loss", number_or_null(s.mean_test_loss)}};
}

void write_file_atomically(const std::string& path, const std::string& text) {
    namespace fs = std::filesystem;
    fs::path target(path), tmp(path + ".part");
    if (target.has_parent_path()) {
        std::error_code ec;   // a failure shows when the file is opened, with the reason
        fs::create_directories(target.parent_path(), ec);
    }
    {
        // fsync before the rename: after a crash the name holds the old document or the new one.
        std::FILE* out = std::fopen(tmp.c_str(), "wb");
        require(out != nullptr, "cannot write '" + tmp.string() + "': " + std::strerror(errno));
        const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size() &&
                             std::fflush(out) == 0 && ::fsync(::fileno(out)) == 0;
        const bool closed = std::fclose(out) == 0;
        require(written && closed, "writing '" + tmp.string() + "' failed (disk full?)");
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    require(!ec, "cannot rename '" + tmp.string() + "' to '" + path + "': " + ec.message());
}

void write_json(const std::string& path, const Json& doc) {
    write_file_atomically(path, doc.dump(2) + "\n");
}

std::string beside(const std::string& json_path, const std::string& extension) {
    std::filesystem::path p(json_path);
    p.replace_extension(extension);
    return p.string();
}

}  // namespace idim::cli
