# Run by CTest: install the already-built core, then build and run the consumer and the worked
# example of docs/library.md against it.
file(REMOVE_RECURSE ${SCRATCH})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message("${out}")
  set(out "${out}" PARENT_SCOPE)
endfunction()
run(${CMAKE_COMMAND} --install ${IDIM_BUILD_DIR} --prefix ${SCRATCH}/prefix --component Unspecified)
# the consumer is built with the flags of the build under test (sanitizers need their runtime)
run(${CMAKE_COMMAND} -S ${CONSUMER_SOURCE} -B ${SCRATCH}/build -DCMAKE_PREFIX_PATH=${SCRATCH}/prefix
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=${CONSUMER_CXX_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_LINKER_FLAGS}")
run(${CMAKE_COMMAND} --build ${SCRATCH}/build)
run(${SCRATCH}/build/consumer)
if(NOT out MATCHES "consumer: D = 199210, theta equals theta0 at the start: yes\n")
  message(FATAL_ERROR "the consumer printed something else:\n${out}")
endif()
# The example's task has d_int100 = K = 4 by construction; the program exits 1 on any other answer,
# and the line is checked here as well, so a silent change of what it prints fails too.
run(${CMAKE_COMMAND} -S ${EXAMPLE_SOURCE} -B ${SCRATCH}/example -DCMAKE_PREFIX_PATH=${SCRATCH}/prefix
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=${CONSUMER_CXX_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_LINKER_FLAGS}")
run(${CMAKE_COMMAND} --build ${SCRATCH}/example)
run(${SCRATCH}/example/own_task)
if(NOT out MATCHES "own task: D = 256, K = 4, d_int100 = 4\n")
  message(FATAL_ERROR "the example did not find d_int100 = 4:\n${out}")
endif()
