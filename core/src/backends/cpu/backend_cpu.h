// Private factory for the fast CPU backend ("cpu": Eigen GEMM + xsimd kernels), used by the
// backend registry. The instance is a function-local static, created on first use.
#pragma once
#include "idim/backend.h"

namespace idim {
Backend& cpu_backend_instance();
}  // namespace idim
