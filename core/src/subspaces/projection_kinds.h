// The concrete projections behind make_projection (projection_factory.cpp checks the spec first).
// Each lives in its own file: projection_dense.cpp, projection_sparse.cpp, projection_fastfood.cpp.
#pragma once
#include <memory>

#include "idim/projection.h"
#include "no_fast_math.h"

namespace idim {

std::unique_ptr<Projection> make_dense_stored(Backend& be, const ProjectionSpec& spec);
std::unique_ptr<Projection> make_dense_tiled(Backend& be, const ProjectionSpec& spec);
std::unique_ptr<Projection> make_sparse(Backend& be, const ProjectionSpec& spec);
std::unique_ptr<Projection> make_fastfood(Backend& be, const ProjectionSpec& spec);

}  // namespace idim
