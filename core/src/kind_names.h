// One way to read a kind (model, projection, optimiser, ...) from its name: the names are its
// to_string, and an unknown name is refused with the known ones listed, in `all`'s order.
#pragma once
#include <array>
#include <string>

#include "idim/error.h"

namespace idim {

template <class Kind, size_t N>
Kind parse_kind(const std::string& name, const std::array<Kind, N>& all, const char* what) {
    std::string known;
    for (Kind k : all) {
        if (to_string(k) == name) return k;
        known += (known.empty() ? "" : ", ") + to_string(k);
    }
    throw Error("unknown " + std::string(what) + " '" + name + "' (known: " + known + ")");
}

}  // namespace idim
