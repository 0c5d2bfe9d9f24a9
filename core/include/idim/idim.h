// Everything an embedding application needs, in one include.
#pragma once
#include "idim/backend.h"
#include "idim/dataset.h"
#include "idim/error.h"
#include "idim/intrinsic_dim.h"
#include "idim/model.h"
#include "idim/optimizer.h"
#include "idim/parametrization.h"
#include "idim/projection.h"
#include "idim/subspace.h"
#include "idim/rng.h"
#include "idim/task.h"
#include "idim/trainer.h"
