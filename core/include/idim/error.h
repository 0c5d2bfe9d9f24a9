// idim's one exception type: every user mistake (bad file, impossible option, bad shape) becomes an
// idim::Error whose message says what is wrong and where. abort() never answers a user's mistake.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace idim {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws idim::Error unless condition holds; keeps argument checks to one line. The message is
// the parts (text and numbers) joined, and only when the check fails: checks that run per product
// or per row cost nothing then, where a message built as one string beforehand cost a few
// allocations on every call (the softmax's per-row check was most of its time).
template <class... Parts>
void require(bool condition, const Parts&... parts) {
    if (condition) [[likely]] return;
    std::ostringstream message;
    (message << ... << parts);
    throw Error(message.str());
}

}  // namespace idim
