# `idim ARGS --backend cuda` either runs (a GPU is at hand: the output must match ON_GPU) or
# refuses in one line with exit code 2 (no GPU or driver), never a crash or another message.
#   IDIM  the binary;  ARGS  its arguments, '|'-separated;  ON_GPU  a pattern for a GPU run
cmake_minimum_required(VERSION 3.22)
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${IDIM}" ${args} --backend cuda RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
set(all "${out}${err}")
message(STATUS "idim ${args} --backend cuda\n--- exit code ${rc}; output:\n${all}")
if(rc STREQUAL "2")
  if(NOT all MATCHES "^idim: error: backend cuda: no CUDA device \\([^\n]+\\)\n$")
    message(FATAL_ERROR "exit code 2 without the one-line 'no CUDA device' message")
  endif()
  message(STATUS "no GPU here: the refusal is the expected answer")
elseif(rc STREQUAL "0")
  if(NOT all MATCHES "${ON_GPU}")
    message(FATAL_ERROR "ran on a GPU but the output does not match '${ON_GPU}'")
  endif()
else()
  message(FATAL_ERROR "expected exit code 0 (a GPU) or 2 (none), got '${rc}'")
endif()
