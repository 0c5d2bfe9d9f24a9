// The reference backend: every kernel as the plainest loop, in the order the math reads. It is
// the oracle the fast backends are tested against, not something to run experiments on.
#pragma once
#include "idim/backend.h"

namespace idim {
Backend& reference_backend_instance();
}
