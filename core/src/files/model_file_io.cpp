// Model files on disk (model_file.h): the atomic write and the read. Native only
// (core/CMakeLists.txt): the browser hands a model file's bytes to parse_model_file.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "idim/error.h"
#include "idim/model_file.h"

namespace idim {

void save_model_file(const std::string& path, const ModelFile& file) {
    namespace fs = std::filesystem;
    const std::string bytes = format_model_file(file);
    const fs::path target(path), tmp(path + ".part");
    std::error_code ec;
    if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        require(bool(out), "cannot write '", tmp.string(), "': ", std::strerror(errno));
        out.write(bytes.data(), std::streamsize(bytes.size()));
        out.close();
        require(bool(out), "writing '", tmp.string(), "' failed (disk full?)");
    }
    fs::rename(tmp, target, ec);
    require(!ec, "cannot rename '", tmp.string(), "' to '", path, "': ", ec.message());
}

ModelFile load_model_file(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    require(fs::is_regular_file(path, ec), path, ": model file not found");
    std::ifstream in(path, std::ios::binary);
    require(bool(in), path, ": cannot open: ", std::strerror(errno));
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    require(!in.bad(), path, ": read failed");
    return parse_model_file(bytes, path);
}

}  // namespace idim
