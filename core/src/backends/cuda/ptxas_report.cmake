# Compiles one .cu file for the device only, once per architecture, with ptxas's report of each
# kernel's registers, stack frame and spills (-Xptxas -v), and writes the report to LOG; prints one
# line per file and architecture. Run at build time (core/src/backends/cuda/CMakeLists.txt); the check of
# the report is tests/cuda/check_ptxas_spills.cmake.
# -D NVCC, SOURCE, LOG; ARCHS, INCLUDES and FLAGS as lists joined with "|"; LAUNCHER optional.
foreach(var NVCC SOURCE LOG ARCHS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "ptxas_report.cmake: -D${var}=... is missing")
  endif()
endforeach()
string(REPLACE "|" ";" archs "${ARCHS}")
string(REPLACE "|" ";" includes "${INCLUDES}")
string(REPLACE "|" ";" flags "${FLAGS}")
set(include_flags)
foreach(dir IN LISTS includes)
  list(APPEND include_flags "-I${dir}")
endforeach()
get_filename_component(name "${SOURCE}" NAME)
set(report "")
foreach(arch IN LISTS archs)
  execute_process(
    COMMAND ${LAUNCHER} "${NVCC}" -cubin -arch=${arch} ${flags} -Xptxas=-v ${include_flags}
            "${SOURCE}" -o "${LOG}.${arch}.cubin"
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    # Not a build error: the build (and scripts/gpu_check.sh's run of everything else) goes on,
    # and the test cuda_ptxas_spills fails showing this.
    message(WARNING "ptxas report of ${name} for ${arch} failed:\n${out}${err}")
    file(WRITE "${LOG}" "idim: ptxas report failed: ${name} for ${arch}:\n${out}${err}")
    return()
  endif()
  file(REMOVE "${LOG}.${arch}.cubin")
  string(APPEND report "${out}${err}")
  string(REGEX MATCHALL "Used [0-9]+ registers" used "${out}${err}")
  string(REGEX MATCHALL "[0-9]+ bytes spill (stores|loads)" spills "${out}${err}")
  set(most 0)
  foreach(u IN LISTS used)
    string(REGEX MATCH "[0-9]+" r "${u}")
    if(r GREATER most)
      set(most ${r})
    endif()
  endforeach()
  set(spilled 0)
  foreach(s IN LISTS spills)
    string(REGEX MATCH "[0-9]+" b "${s}")
    math(EXPR spilled "${spilled} + ${b}")
  endforeach()
  list(LENGTH used kernels)
  message(STATUS "ptxas ${name} ${arch}: ${kernels} functions, at most ${most} registers, "
                 "${spilled} bytes of spill stores and loads (${LOG})")
endforeach()
file(WRITE "${LOG}" "${report}")
