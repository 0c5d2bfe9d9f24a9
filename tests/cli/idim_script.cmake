# Helpers for the CLI tests written as CMake scripts (cmake -DIDIM=... -DOUT_DIR=... -P x.cmake):
# idim(RC ARGS...) runs the tool in OUT_DIR, fails unless it exits with RC and leaves its text in
# `output`; json_get(VAR FILE KEYS...) reads one value of a JSON file in OUT_DIR.
function(idim expect_rc)
  execute_process(COMMAND "${IDIM}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err WORKING_DIRECTORY "${OUT_DIR}")
  message(STATUS "idim ${ARGN}\n--- exit code ${rc}:\n${out}${err}")
  if(NOT rc STREQUAL expect_rc)
    message(FATAL_ERROR "expected exit code ${expect_rc}, got '${rc}'")
  endif()
  set(output "${out}${err}" PARENT_SCOPE)
endfunction()

function(json_get var file)
  file(READ "${OUT_DIR}/${file}" doc)
  string(JSON value GET "${doc}" ${ARGN})
  set(${var} "${value}" PARENT_SCOPE)
endfunction()
