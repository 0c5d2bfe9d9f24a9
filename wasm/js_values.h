// Between JavaScript values and C++ for the bindings: C++ errors thrown as JS Errors, and the
// fields of a configuration object read with fallbacks and checks.
#pragma once
#include <emscripten/val.h>

#include <cmath>
#include <new>
#include <string>
#include <vector>

#include "idim/error.h"

namespace idim::wasm {

using emscripten::val;

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

// JavaScript numbers are doubles: a count or seed must be whole, not negative, and exact.
inline uint64_t whole_number(double x, const char* name) {
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

inline std::vector<int> get_ints(const val& obj, const char* key, std::vector<int> fallback) {
    val v = obj[key];
    if (v.isUndefined() || v.isNull()) return fallback;
    return emscripten::vecFromJSArray<int>(v);
}

}  // namespace idim::wasm
