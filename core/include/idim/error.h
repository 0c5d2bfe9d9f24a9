// idim's one exception type: every user mistake (bad file, impossible option, bad shape) becomes an
// idim::Error whose message says what is wrong and where. abort() never answers a user's mistake.
#pragma once
#include <stdexcept>
#include <string>

namespace idim {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws idim::Error(message) unless condition holds; keeps argument checks to one line.
inline void require(bool condition, const std::string& message) {
    if (!condition) throw Error(message);
}

}  // namespace idim
