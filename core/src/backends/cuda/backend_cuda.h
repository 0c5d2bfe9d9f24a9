// The cuda backend: every Backend operation on one NVIDIA GPU (cuBLAS for the products, own
// kernels for the rest, memory in device memory). Built only with IDIM_CUDA.
#pragma once
#include "idim/backend.h"

namespace idim {
// Made on first use; throws idim::Error ("backend cuda: no CUDA device (...)") where there is no
// usable GPU or driver, so naming the backend never crashes and listing backends costs nothing.
Backend& cuda_backend_instance();
}
