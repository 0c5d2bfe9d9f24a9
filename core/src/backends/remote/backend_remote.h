// The remote test backend: the reference kernels over memory the host cannot read. allocate hands
// out addresses in a reserved range that is never mapped readable; the backend alone translates
// them to where the bytes live, inside its own upload, download and kernels. Host code that
// dereferences backend memory faults at once (under AddressSanitizer too), which is what a GPU's
// memory would make of it. Pointers outside the range (host arrays) pass through unchanged.
#pragma once
#include "idim/backend.h"

namespace idim {
Backend& remote_backend_instance();
}
