// Model files (model_file.h): the text header, its JSON, the little-endian payload and its crc32,
// portable, so the WebAssembly module reads and writes the same bytes (model_file_io.cpp: the
// files themselves, native only).
#include "idim/model_file.h"

#include <array>
#include <bit>
#include <charconv>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "idim/error.h"
#include "idim/learned_subspace.h"

namespace idim {
namespace {

// The payload is the floats' bytes as they lie in memory: little-endian on every host idim builds
// for (x86-64, AArch64, WebAssembly).
static_assert(std::endian::native == std::endian::little, "model files are little-endian");

using Json = nlohmann::json;
constexpr std::string_view kMagic = "idim model file\n";
constexpr size_t kMaxHeaderBytes = size_t(1) << 20;   // a configuration is a few KiB

// The next line of `bytes` from `at` (without its '\n'); throws when there is none.
std::string_view next_line(std::string_view bytes, size_t& at, const std::string& what) {
    const size_t end = bytes.find('\n', at);
    require(end != std::string_view::npos && end - at <= 64, what,
            ": truncated or malformed header (line ", at, ")");
    std::string_view line = bytes.substr(at, end - at);
    at = end + 1;
    return line;
}

// "<key> <unsigned>" → the number; throws naming the line otherwise.
uint64_t keyed_number(std::string_view line, std::string_view key, const std::string& what) {
    const bool keyed = line.size() > key.size() + 1 && line.substr(0, key.size()) == key &&
                       line[key.size()] == ' ';
    uint64_t value = 0;
    std::from_chars_result r{};
    if (keyed) r = std::from_chars(line.data() + key.size() + 1, line.data() + line.size(), value);
    require(keyed && r.ec == std::errc() && r.ptr == line.data() + line.size(), what,
            ": expected '", key, " <number>' in the header, found '", std::string(line), "'");
    return value;
}

Json start_json(const std::optional<std::string>& crc32, bool head_kept) {
    return crc32 ? Json{{"crc32", *crc32}, {"head", head_kept ? "kept" : "new"}} : Json(nullptr);
}

// The "start" entry back into (crc32, head_kept); null: a random θ0.
void read_start(const Json& start, std::optional<std::string>& crc32, bool& head_kept) {
    if (start.is_null()) return;
    crc32 = start.at("crc32").get<std::string>();
    const auto head = start.at("head").get<std::string>();
    require(head == "kept" || head == "new", "start.head must be 'kept' or 'new'");
    head_kept = head == "kept";
}

Json header_json(const ModelFile& f) {
    Json h = {{"kind", f.kind},
              {"model", {{"name", f.model_name}, {"widths", f.widths}}},
              {"input", {f.input.height, f.input.width, f.input.channels}},
              {"classes", f.classes},
              {"D", f.dim_full},
              {"count", f.values.size()},
              {"crc32", crc32_hex(f.values)},
              {"seed", f.seed},
              {"steps", f.steps},
              {"data", f.data},
              {"config", Json::parse(f.config_json)}};
    if (f.subspace) {
        const SubspaceRecord& s = *f.subspace;
        h["subspace"] = {{"method", s.method}, {"projection", s.projection}, {"d", s.d},
                         {"start", start_json(s.start_crc32, s.head_kept)}};
    }
    if (f.learned) {
        const LearnedRecord& l = *f.learned;
        h["learned"] = {{"decoder", l.decoder}, {"d_I", l.dim_intrinsic}, {"hidden", l.hidden},
                        {"D'", l.dim_sub}, {"projection", l.projection},
                        {"start", start_json(l.start_crc32, l.head_kept)}};
    }
    return h;
}

// Reads the header's fields into `f`; nlohmann's type errors become the file's error.
void read_header(const Json& h, ModelFile& f) {
    f.kind = h.at("kind").get<std::string>();
    require(f.kind == "model" || f.kind == "subspace" || f.kind == "learned", "unknown kind '",
            f.kind, "'");
    f.model_name = h.at("model").at("name").get<std::string>();
    f.widths = h.at("model").at("widths").get<std::vector<int>>();
    const auto input = h.at("input").get<std::vector<int>>();
    require(input.size() == 3 && input[0] >= 1 && input[1] >= 1 && input[2] >= 1,
            "'input' must be [height, width, channels]");
    f.input = {input[0], input[1], input[2]};
    f.classes = h.at("classes").get<int>();
    f.dim_full = h.at("D").get<uint64_t>();
    f.seed = h.at("seed").get<uint64_t>();
    f.steps = h.at("steps").get<int64_t>();
    f.data = h.at("data").get<std::string>();
    require(h.at("config").is_object(), "'config' must be an object");
    f.config_json = h.at("config").dump();
    if (f.kind == "subspace") {
        const Json& s = h.at("subspace");
        SubspaceRecord r;
        r.method = s.at("method").get<std::string>();
        r.projection = s.at("projection").get<std::string>();
        r.d = s.at("d").get<uint64_t>();
        read_start(s.at("start"), r.start_crc32, r.head_kept);
        f.subspace = r;
    }
    if (f.kind == "learned") {
        const Json& l = h.at("learned");
        LearnedRecord r;
        r.decoder = l.at("decoder").get<std::string>();
        r.dim_intrinsic = l.at("d_I").get<int>();
        r.hidden = l.at("hidden").get<int>();
        r.dim_sub = l.at("D'").get<uint64_t>();
        r.projection = l.at("projection").get<std::string>();
        read_start(l.at("start"), r.start_crc32, r.head_kept);
        require(r.dim_sub <= f.dim_full, "D' = ", r.dim_sub, " exceeds D = ", f.dim_full);
        f.learned = r;
    }
}

// The values a file's header announces by its kind: D, d, or the decoder's weights.
size_t expected_count(const ModelFile& f) {
    if (f.kind == "model") return f.dim_full;
    if (f.kind == "subspace") return f.subspace->d;
    const LearnedRecord& l = *f.learned;
    return decoder_weight_count(parse_decoder(l.decoder), l.dim_intrinsic, l.hidden,
                                int(std::min<uint64_t>(l.dim_sub, uint64_t(std::numeric_limits<int>::max()))));
}

}  // namespace

// CRC-32 (IEEE 802.3, reflected, zlib's crc32) by table, so the browser's module, which has no
// zlib, writes and checks the same checksums as the CLI.
std::string crc32_hex(std::span<const float> values) {
    static const auto table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t n = 0; n < 256; ++n) {
            uint32_t c = n;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    uint32_t crc = 0xFFFFFFFFu;
    const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
    for (size_t i = 0; i < values.size_bytes(); ++i) crc = table[(crc ^ bytes[i]) & 0xFFu] ^ (crc >> 8);
    char text[9];
    std::snprintf(text, sizeof text, "%08lx", static_cast<unsigned long>(crc ^ 0xFFFFFFFFu));
    return text;
}

std::string format_model_file(const ModelFile& file) {
    const std::string header = header_json(file).dump(2) + "\n";
    std::string out(kMagic);
    out += "format " + std::to_string(kModelFileFormat) + "\n";
    out += "header-bytes " + std::to_string(header.size()) + "\n";
    out += header;
    const auto* payload = reinterpret_cast<const char*>(file.values.data());
    out.append(payload, file.values.size() * sizeof(float));
    return out;
}

ModelFile parse_model_file(std::string_view bytes, const std::string& what) {
    require(bytes.substr(0, kMagic.size()) == kMagic, what,
            ": not an idim model file (the first line is not 'idim model file')");
    size_t at = kMagic.size();
    const uint64_t format = keyed_number(next_line(bytes, at, what), "format", what);
    require(format == kModelFileFormat, what, ": format ", format, " is unknown (this idim reads ",
            kModelFileFormat, ")");
    const uint64_t header_bytes = keyed_number(next_line(bytes, at, what), "header-bytes", what);
    require(header_bytes <= kMaxHeaderBytes, what, ": header of ", header_bytes,
            " bytes is implausibly long");
    require(header_bytes <= bytes.size() - at, what, ": truncated inside the header");
    ModelFile f;
    uint64_t count = 0;
    size_t expected = 0;
    std::string crc;
    try {
        const Json h = Json::parse(bytes.substr(at, header_bytes));
        read_header(h, f);
        count = h.at("count").get<uint64_t>();
        crc = h.at("crc32").get<std::string>();
        expected = expected_count(f);
    } catch (const nlohmann::json::exception& e) {
        throw Error(what + ": malformed header: " + e.what());
    } catch (const Error& e) {
        throw Error(what + ": malformed header: " + e.what());
    }
    at += header_bytes;
    const size_t payload = bytes.size() - at;
    require(count <= payload / sizeof(float), what, ": truncated: the header announces ", count,
            " values (", count * sizeof(float), " bytes) but ", payload, " bytes follow it");
    require(count * sizeof(float) == payload, what, ": ", payload - count * sizeof(float),
            " bytes after the ", count, " values the header announces");
    require(count == expected, what, ": holds ", count, " values but its ",
            f.kind == "model" ? "D is " : f.kind == "subspace" ? "d is " : "decoder has ",
            expected);
    f.values.resize(count);
    if (payload > 0) std::memcpy(f.values.data(), bytes.data() + at, payload);   // d = 0: no data()
    const std::string actual = crc32_hex(f.values);
    require(actual == crc, what, ": checksum mismatch (the header says crc32 ", crc,
            ", the values give ", actual, "): the file is corrupt");
    return f;
}

std::string describe_model_file(const ModelFile& file) {
    return header_json(file).dump(2) + "\n";
}

}  // namespace idim
