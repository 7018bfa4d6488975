# Script (cmake -P) behind the consumer tests. MODE is find_package or add_subdirectory.
cmake_minimum_required(VERSION 3.21)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    string(REPLACE ";" " " _cmd "${ARGN}")
    message(FATAL_ERROR "failed (${_rc}): ${_cmd}\n${_out}\n${_err}")
  endif()
  message(STATUS "${_out}")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(_configure_args -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release)

if(MODE STREQUAL "find_package")
  set(_prefix "${WORK_DIR}/prefix")
  run("${CMAKE_COMMAND}" --install "${FOOTPRINT_BINARY_DIR}" --prefix "${_prefix}")
  foreach(_f share/cmake/footprint/footprintConfig.cmake
             share/cmake/footprint/footprintConfigVersion.cmake
             share/cmake/footprint/footprintTargets.cmake
             include/footprint/footprint.hpp include/footprint/concepts.hpp)
    if(NOT EXISTS "${_prefix}/${_f}")
      message(FATAL_ERROR "not installed: ${_f}")
    endif()
  endforeach()
  if(EXPECT_PRETRADE AND NOT EXISTS "${_prefix}/bin/footprint-pretrade")
    message(FATAL_ERROR "not installed: bin/footprint-pretrade")
  endif()
  run("${CMAKE_COMMAND}" -S "${CONSUMER_DIR}/find_package" -B "${WORK_DIR}/build"
      ${_configure_args} "-DCMAKE_PREFIX_PATH=${_prefix}")
elseif(MODE STREQUAL "add_subdirectory")
  run("${CMAKE_COMMAND}" -S "${CONSUMER_DIR}/add_subdirectory" -B "${WORK_DIR}/build"
      ${_configure_args} "-DFOOTPRINT_SOURCE_DIR=${FOOTPRINT_SOURCE_DIR}")
else()
  message(FATAL_ERROR "MODE must be find_package or add_subdirectory (got '${MODE}')")
endif()

run("${CMAKE_COMMAND}" --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer")
