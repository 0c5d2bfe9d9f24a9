# Runs the cuda build's fast-math refusal (core/src/backends/cuda/no_fast_math.cmake) on -DFLAGS=…; the
# test expects it to stop with its message.
include(${CMAKE_CURRENT_LIST_DIR}/../../core/src/backends/cuda/no_fast_math.cmake)
idim_refuse_fast_math(FLAGS "${FLAGS}")
message(STATUS "flags accepted: ${FLAGS}")
