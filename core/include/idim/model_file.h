// Model files: a trained network's parameters (or a subspace run's θ_d) with the configuration
// that made them, so that a later run can start from them (--init) or rebuild them. The layout is
// a text header a person can read with `head`, then the numbers:
//
//   idim model file
//   format 1
//   header-bytes N
//   { ...N bytes of JSON: kind, model, input, classes, D, count, crc32, seed, steps, ... }
//   count float32 values, little-endian
//
// crc32 (zlib's) covers the values' bytes. The browser parses and writes the bytes too (the page's
// starting points); reading and writing files is native only (model_file_io.cpp).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "idim/model.h"

namespace idim {

inline constexpr int kModelFileFormat = 1;

// What a subspace file (kind "subspace") adds: the request whose P rebuilds θ = θ0 + P·θ_d.
struct SubspaceRecord {
    std::string method = "subspace";     // subspace | said (subspace.h's Method, by name)
    std::string projection = "fastfood"; // P, or SAID's base
    uint64_t d = 0;
    // The starting point θ0 when it was not random: its model file's crc32 and whether the
    // output layer was kept or drawn new from the seed.
    std::optional<std::string> start_crc32;
    bool head_kept = false;
};

// What a learned subspace file (kind "learned", learned_subspace.h) adds: the decoder's shape and
// the common P (drawn from the file's seed, with θ0) whose D' columns the decoder writes.
struct LearnedRecord {
    std::string decoder = "mlp";         // mlp | linear (DecoderKind, by name)
    int dim_intrinsic = 0;               // d_I
    int hidden = 0;                      // h (mlp); 0 for linear
    uint64_t dim_sub = 0;                // D'
    std::string projection = "fastfood";
    std::optional<std::string> start_crc32;   // as SubspaceRecord's
    bool head_kept = false;
};

struct ModelFile {
    // "model": θ (D values); "subspace": θ_d (d values); "learned": a decoder's weights
    std::string kind = "model";
    std::string model_name;              // fc | lenet (model.h's ModelKind, by name)
    std::vector<int> widths;             // fc hidden widths (empty for lenet)
    Shape input;
    int classes = 0;
    uint64_t dim_full = 0;               // D of the network
    uint64_t seed = 0;                   // θ0 (and P) of the run that wrote it
    int64_t steps = 0;                   // training steps taken when it was written
    std::string data;                    // what it was trained on
    std::string config_json = "{}";      // the run's whole configuration, a JSON object
    std::optional<SubspaceRecord> subspace;   // set for kind "subspace"
    std::optional<LearnedRecord> learned;     // set for kind "learned"
    std::vector<float> values;
};

// zlib's crc32 of the values' little-endian bytes, as 8 lowercase hex digits.
std::string crc32_hex(std::span<const float> values);

std::string format_model_file(const ModelFile& file);   // the file's bytes
// Throws idim::Error starting with `what` (the file's name) and saying what is wrong: the magic,
// an unknown format, a malformed header, a payload of the wrong length, a wrong checksum.
ModelFile parse_model_file(std::string_view bytes, const std::string& what);

// Written to a temporary name and renamed, so a reader never sees half a file.
void save_model_file(const std::string& path, const ModelFile& file);
ModelFile load_model_file(const std::string& path);

// The header as a person reads it: the JSON, indented, without the numbers.
std::string describe_model_file(const ModelFile& file);

}  // namespace idim
