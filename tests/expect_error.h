// Runs f, expects idim::Error, and checks that its message holds every one of `parts`: bad input
// must be refused with a message that names what is wrong and where.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "idim/error.h"

namespace idim::testing {

template <class F>
void expect_error(F f, std::vector<std::string> parts) {
    try {
        f();
        ADD_FAILURE() << "no idim::Error thrown";
    } catch (const Error& e) {
        for (const auto& part : parts)
            EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
                << "message \"" << e.what() << "\" lacks \"" << part << "\"";
    }
}

}  // namespace idim::testing
