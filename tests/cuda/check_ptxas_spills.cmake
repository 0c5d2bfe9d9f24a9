# Fails when a function of idim's in a ptxas report (-Xptxas -v, as core/src/backends/cuda/ptxas_report.cmake
# writes it) spills registers to local memory: a spill in the Walsh–Hadamard or ordered-sum kernels
# turns a bandwidth-bound pass into one bound by local-memory traffic.
# -D LOGS: reports joined with "|". Functions whose mangled names contain "idim" are checked
# (kernels of libraries such as CUB, compiled into the same file, are not ours to fix).
# Prints "ptxas spills: none in N functions" or fails naming each function that spills.
if(NOT DEFINED LOGS)
  message(FATAL_ERROR "check_ptxas_spills.cmake: -DLOGS=report[|report…] is missing")
endif()
string(REPLACE "|" ";" logs "${LOGS}")
set(checked 0)
set(spilling "")
foreach(log IN LISTS logs)
  if(NOT EXISTS "${log}")
    message(FATAL_ERROR "check_ptxas_spills: no report ${log} (build the cuda backend first)")
  endif()
  file(READ "${log}" head LIMIT 2000)
  if(head MATCHES "^idim: ptxas report failed")
    message(FATAL_ERROR "check_ptxas_spills: ${head}")
  endif()
  # ptxas prints, per function:
  #   ptxas info    : Function properties for NAME
  #       S bytes stack frame, A bytes spill stores, B bytes spill loads
  file(STRINGS "${log}" lines REGEX "Function properties for|bytes spill stores|Compiling entry function")
  set(function "")
  set(arch "")
  foreach(line IN LISTS lines)
    if(line MATCHES "Compiling entry function '[^']*' for '([^']*)'")
      set(arch "${CMAKE_MATCH_1}")
    elseif(line MATCHES "Function properties for ([^ ]+)")
      set(function "${CMAKE_MATCH_1}")
    elseif(line MATCHES "([0-9]+) bytes spill stores, ([0-9]+) bytes spill loads")
      set(stores ${CMAKE_MATCH_1})   # the next MATCHES overwrites CMAKE_MATCH_n
      set(loads ${CMAKE_MATCH_2})
      if(function MATCHES "idim")
        math(EXPR checked "${checked} + 1")
        if(stores GREATER 0 OR loads GREATER 0)
          string(APPEND spilling "  ${function} (${arch}): ${stores} bytes spill stores, "
                                 "${loads} bytes spill loads\n")
        endif()
      endif()
      set(function "")
    endif()
  endforeach()
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "check_ptxas_spills: no function of idim's found in ${LOGS}")
endif()
if(spilling)
  message(FATAL_ERROR "ptxas spills in ${checked} functions checked:\n${spilling}")
endif()
message(STATUS "ptxas spills: none in ${checked} functions")
