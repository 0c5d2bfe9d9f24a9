# Runs the idim binary once and checks what it did: the exit code, a pattern in its output, and
# fields of the JSON it wrote. Called by CTest as `cmake -D... -P run_idim.cmake`.
#   IDIM           the binary
#   ARGS           its arguments, separated by '|'
#   EXPECT_RC      an exit code, or "nonzero"
#   EXPECT_OUTPUT  a regular expression that stdout + stderr must match (optional)
#   OUT_DIR        emptied before the run; the arguments may write into it
#   JSON           a file the run must write (optional), with
#   JSON_EQUALS    "key=value|..." top-level fields and their exact values
#   JSON_FIELDS    "key|..." top-level fields that must exist and not be null
#   FILES          "path|..." further files the run must write
cmake_minimum_required(VERSION 3.22)
file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${IDIM}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err WORKING_DIRECTORY "${OUT_DIR}")
set(all "${out}${err}")
message(STATUS "idim ${args}\n--- exit code ${rc}; output:\n${all}")

if(EXPECT_RC STREQUAL "nonzero")
  if(rc EQUAL 0 OR NOT rc MATCHES "^[0-9]+$")
    message(FATAL_ERROR "expected a non-zero exit code (not a crash), got '${rc}'")
  endif()
elseif(NOT rc STREQUAL EXPECT_RC)
  message(FATAL_ERROR "expected exit code ${EXPECT_RC}, got '${rc}'")
endif()
if(EXPECT_OUTPUT AND NOT all MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "output does not match '${EXPECT_OUTPUT}'")
endif()

if(JSON)
  if(NOT EXISTS "${JSON}")
    message(FATAL_ERROR "no JSON written at ${JSON}")
  endif()
  file(READ "${JSON}" doc)
  string(REPLACE "|" ";" equals "${JSON_EQUALS}")
  foreach(pair IN LISTS equals)
    string(REGEX MATCH "^([^=]+)=(.*)$" _ "${pair}")
    set(key "${CMAKE_MATCH_1}")
    set(want "${CMAKE_MATCH_2}")
    string(JSON got ERROR_VARIABLE json_error GET "${doc}" "${key}")
    string(JSON type ERROR_VARIABLE json_error TYPE "${doc}" "${key}")
    if(type STREQUAL "NULL")
      set(got "null")
    endif()
    if(got STREQUAL "ON" OR got STREQUAL "OFF")   # CMake's spelling of JSON true and false
      string(REPLACE "ON" "true" got "${got}")
      string(REPLACE "OFF" "false" got "${got}")
    endif()
    if(json_error OR NOT got STREQUAL want)
      message(FATAL_ERROR "JSON field '${key}': expected '${want}', got '${got}' ${json_error}")
    endif()
  endforeach()
  string(REPLACE "|" ";" fields "${JSON_FIELDS}")
  foreach(key IN LISTS fields)
    string(JSON type ERROR_VARIABLE json_error TYPE "${doc}" "${key}")
    if(json_error OR type STREQUAL "NULL")
      message(FATAL_ERROR "JSON field '${key}' is missing or null ${json_error}")
    endif()
  endforeach()
endif()
string(REPLACE "|" ";" files "${FILES}")
foreach(f IN LISTS files)
  if(NOT EXISTS "${f}")
    message(FATAL_ERROR "expected the file ${f}")
  endif()
endforeach()
