# Script (cmake -P) behind the consumer tests: builds and runs small programs that use
# footprint as a user would, and checks what the user gets. MODE is one of
#   find_package      install into a temporary prefix, find_package(footprint CONFIG REQUIRED)
#   build_tree        find_package(footprint CONFIG REQUIRED) with footprint_DIR=<build dir>
#   add_subdirectory  add_subdirectory(<footprint source>): SYSTEM headers, no install rules
#   core              footprint::core only: no zlib, libbzip2 or OpenMP on the link line
#   strict            the consumer's own -Wall -Wextra -Wpedantic -Werror, README quick start too
#   pkg_config        the footprint and footprint-core pkg-config modules of an install
#   plain_install     configure footprint (tests off) and install it without building anything
#   vcpkg_port        configure, build and install with the options ports/footprint passes
# find_package, build_tree, add_subdirectory and core also check that OpenMP stays off unless
# the consumer asks for it (and, for the last two, that asking for it works).
cmake_minimum_required(VERSION 3.21)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    string(REPLACE ";" " " _cmd "${ARGN}")
    message(FATAL_ERROR "failed (${_rc}): ${_cmd}\n${_out}\n${_err}")
  endif()
  message(STATUS "${_out}")
endfunction()

# output(<var> <command>...): runs the command, fails on error, returns its stripped stdout.
function(output var)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _rc EQUAL 0)
    string(REPLACE ";" " " _cmd "${ARGN}")
    message(FATAL_ERROR "failed (${_rc}): ${_cmd}\n${_out}\n${_err}")
  endif()
  set(${var} "${_out}" PARENT_SCOPE)
endfunction()

# commands(<build dir> <target> <compile var> <link var>): the compile commands and the link
# command the generator will run for <target> (read without building).
function(commands build target compile_var link_var)
  if(GENERATOR MATCHES "Ninja")
    output(_all "${MAKE_PROGRAM}" -C "${build}" -t commands "${target}")
    string(REPLACE "\n" ";" _lines "${_all}")
    list(POP_BACK _lines _link)
    set(_compile "${_lines}")
  else()  # Makefile generators
    file(READ "${build}/CMakeFiles/${target}.dir/link.txt" _link)
    file(READ "${build}/CMakeFiles/${target}.dir/flags.make" _compile)
  endif()
  set(${compile_var} "${_compile}" PARENT_SCOPE)
  set(${link_var} "${_link}" PARENT_SCOPE)
endfunction()

set(_openmp_link "(-fopenmp|gomp|libomp|-lomp|iomp5|pthread)")
set(_openmp_compile "(-fopenmp|-Xclang -fopenmp)")
set(_compression_link "(libz[.]|-lz( |$)|bz2)")

# forbidden(<var> <compile> <link> [OPENMP] [COMPRESSION]): the first forbidden flag or library
# found in the commands, or empty.
function(forbidden var compile link)
  set(_found "")
  if("OPENMP" IN_LIST ARGN AND link MATCHES "${_openmp_link}")
    set(_found "${CMAKE_MATCH_1}")
  elseif("OPENMP" IN_LIST ARGN AND compile MATCHES "${_openmp_compile}")
    set(_found "${CMAKE_MATCH_1}")
  elseif("COMPRESSION" IN_LIST ARGN AND link MATCHES "${_compression_link}")
    set(_found "${CMAKE_MATCH_1}")
  endif()
  set(${var} "${_found}" PARENT_SCOPE)
endfunction()

# expect_no_openmp(<build dir> <target>): OpenMP is the consumer's opt-in.
function(expect_no_openmp build target)
  commands("${build}" "${target}" _compile _link)
  forbidden(_what "${_compile}" "${_link}" OPENMP)
  if(_what)
    message(FATAL_ERROR "${target} gets OpenMP (${_what}) although the consumer did not ask for "
                        "it:\nlink: ${_link}\ncompile: ${_compile}")
  endif()
endfunction()

# expect_openmp(<build dir> <target>): with FOOTPRINT_USE_OPENMP=ON, footprint::core carries
# OpenMP (when the compiler has it).
function(expect_openmp build target)
  file(STRINGS "${build}/CMakeCache.txt" _found REGEX "^OpenMP_CXX_FLAGS:")
  if(NOT _found MATCHES "=.+")
    message(STATUS "the compiler has no OpenMP: nothing to check for FOOTPRINT_USE_OPENMP=ON")
    return()
  endif()
  commands("${build}" "${target}" _compile _link)
  if(NOT _link MATCHES "${_openmp_link}")
    message(FATAL_ERROR "${target} has no OpenMP although FOOTPRINT_USE_OPENMP=ON:\nlink: ${_link}")
  endif()
endfunction()

# expect_isal(<build dir> <target> <ON|OFF>): ISA-L is the consumer's opt-in too
# (FOOTPRINT_USE_ISAL): without it the target neither links libisal nor defines
# FOOTPRINT_HAVE_ISAL; with it, both (when libisal is found on this machine).
function(expect_isal build target wanted)
  commands("${build}" "${target}" _compile _link)
  set(_has FALSE)
  if(_link MATCHES "(libisal|-lisal)" OR _compile MATCHES "FOOTPRINT_HAVE_ISAL")
    set(_has TRUE)
  endif()
  if(NOT wanted AND _has)
    message(FATAL_ERROR "${target} gets ISA-L although the consumer did not ask for it:\n"
                        "link: ${_link}\ncompile: ${_compile}")
  endif()
  if(wanted)
    file(STRINGS "${build}/CMakeCache.txt" _found REGEX "^pkgcfg_lib_FOOTPRINT_LIBISAL_isal:.*=/")
    if(NOT _found)
      message(STATUS "libisal not found: nothing to check for FOOTPRINT_USE_ISAL=ON")
    elseif(NOT (_link MATCHES "(libisal|-lisal)" AND _compile MATCHES "FOOTPRINT_HAVE_ISAL=1"))
      message(FATAL_ERROR "${target} lacks ISA-L although FOOTPRINT_USE_ISAL=ON:\n"
                          "link: ${_link}\ncompile: ${_compile}")
    endif()
  endif()
endfunction()

function(configure source build)
  run("${CMAKE_COMMAND}" -S "${source}" -B "${build}" -G "${GENERATOR}"
      "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
      -DCMAKE_BUILD_TYPE=Release ${ARGN})
endfunction()

function(build_and_run build)
  run("${CMAKE_COMMAND}" --build "${build}")
  foreach(_program IN LISTS ARGN)
    run("${build}/${_program}")
  endforeach()
endfunction()

# install_footprint(<prefix>): installs the footprint build tree under test (headers and
# package files; nothing needs to be built) and checks what landed.
function(install_footprint prefix)
  run("${CMAKE_COMMAND}" --install "${FOOTPRINT_BINARY_DIR}" --prefix "${prefix}")
  foreach(_f share/cmake/footprint/footprintConfig.cmake
             share/cmake/footprint/footprintConfigVersion.cmake
             share/cmake/footprint/footprintTargets.cmake
             share/cmake/footprint/footprintDependencies.cmake
             share/pkgconfig/footprint.pc share/pkgconfig/footprint-core.pc
             include/footprint/footprint.hpp include/footprint/concepts.hpp)
    if(NOT EXISTS "${prefix}/${_f}")
      message(FATAL_ERROR "not installed: ${_f}")
    endif()
  endforeach()
  # footprint-pretrade is installed when it was built (its install rule is OPTIONAL).
  if(PRETRADE_FILE AND EXISTS "${PRETRADE_FILE}" AND NOT EXISTS "${prefix}/bin/footprint-pretrade")
    message(FATAL_ERROR "not installed: bin/footprint-pretrade (built as ${PRETRADE_FILE})")
  endif()
  # Relocatable: no installed package file names the source or build tree (vcpkg's post-build
  # check rejects absolute paths).
  file(GLOB_RECURSE _package_files "${prefix}/share/*.cmake" "${prefix}/share/*.pc")
  foreach(_f IN LISTS _package_files)
    file(READ "${_f}" _text)
    foreach(_tree IN ITEMS "${FOOTPRINT_SOURCE_DIR}" "${FOOTPRINT_BINARY_DIR}")
      string(FIND "${_text}" "${_tree}" _at)
      if(NOT _at EQUAL -1)
        message(FATAL_ERROR "${_f} names ${_tree}")
      endif()
    endforeach()
  endforeach()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(_build "${WORK_DIR}/build")
set(_prefix "${WORK_DIR}/prefix")

if(MODE STREQUAL "find_package")
  install_footprint("${_prefix}")
  configure("${CONSUMER_DIR}/find_package" "${_build}" "-DCMAKE_PREFIX_PATH=${_prefix}")
  expect_no_openmp("${_build}" consumer)
  expect_isal("${_build}" consumer OFF)
  build_and_run("${_build}" consumer)
  # The consumer's opt-in: FOOTPRINT_USE_ISAL=ON reads gzip through ISA-L.
  configure("${CONSUMER_DIR}/find_package" "${WORK_DIR}/isal" "-DCMAKE_PREFIX_PATH=${_prefix}"
            -DFOOTPRINT_USE_ISAL=ON)
  expect_isal("${WORK_DIR}/isal" consumer ON)
  build_and_run("${WORK_DIR}/isal" consumer)

elseif(MODE STREQUAL "build_tree")
  configure("${CONSUMER_DIR}/find_package" "${_build}" "-Dfootprint_DIR=${FOOTPRINT_BINARY_DIR}")
  commands("${_build}" consumer _compile _link)
  if(NOT _compile MATCHES "-isystem ${FOOTPRINT_SOURCE_DIR}/include( |$)")
    message(FATAL_ERROR "the consumer does not use the build tree's headers:\n${_compile}")
  endif()
  expect_no_openmp("${_build}" consumer)
  build_and_run("${_build}" consumer)

elseif(MODE STREQUAL "add_subdirectory")
  configure("${CONSUMER_DIR}/add_subdirectory" "${_build}" "-DFOOTPRINT_SOURCE_DIR=${FOOTPRINT_SOURCE_DIR}")
  commands("${_build}" consumer _compile _link)
  if(NOT _compile MATCHES "-isystem ${FOOTPRINT_SOURCE_DIR}/include( |$)")
    message(FATAL_ERROR "footprint's headers are not SYSTEM for the consumer:\n${_compile}")
  endif()
  expect_no_openmp("${_build}" consumer)
  expect_isal("${_build}" consumer OFF)
  build_and_run("${_build}" consumer)
  # A subproject installs nothing unless asked (FOOTPRINT_INSTALL defaults to top-level only).
  run("${CMAKE_COMMAND}" --install "${_build}" --prefix "${_prefix}")
  file(GLOB_RECURSE _installed RELATIVE "${_prefix}" "${_prefix}/*")
  list(LENGTH _installed _n)
  if(_n GREATER 0)
    list(SUBLIST _installed 0 3 _some)
    message(FATAL_ERROR "footprint as a subproject installed ${_n} files (${_some}...)")
  endif()
  # The consumer's opt-in: FOOTPRINT_USE_OPENMP=ON brings OpenMP with footprint::core.
  configure("${CONSUMER_DIR}/add_subdirectory" "${WORK_DIR}/openmp"
            "-DFOOTPRINT_SOURCE_DIR=${FOOTPRINT_SOURCE_DIR}" -DFOOTPRINT_USE_OPENMP=ON)
  expect_openmp("${WORK_DIR}/openmp" consumer)

elseif(MODE STREQUAL "core")
  # footprint::core alone links nothing: neither the readers' zlib and libbzip2 nor OpenMP.
  # Checked from the build tree (built and run) and from an install (link line only).
  install_footprint("${_prefix}")
  foreach(_where IN ITEMS "-Dfootprint_DIR=${FOOTPRINT_BINARY_DIR}" "-DCMAKE_PREFIX_PATH=${_prefix}")
    file(REMOVE_RECURSE "${_build}")
    configure("${CONSUMER_DIR}/core" "${_build}" "${_where}")
    commands("${_build}" core_consumer _compile _link)
    forbidden(_what "${_compile}" "${_link}" OPENMP COMPRESSION)
    if(_what)
      message(FATAL_ERROR "a footprint::core consumer (${_where}) gets ${_what}:\n"
                          "link: ${_link}\ncompile: ${_compile}")
    endif()
  endforeach()
  build_and_run("${_build}" core_consumer)
  configure("${CONSUMER_DIR}/core" "${WORK_DIR}/openmp" "-Dfootprint_DIR=${FOOTPRINT_BINARY_DIR}"
            -DFOOTPRINT_USE_OPENMP=ON)
  expect_openmp("${WORK_DIR}/openmp" core_consumer)

elseif(MODE STREQUAL "strict")
  install_footprint("${_prefix}")
  configure("${CONSUMER_DIR}/strict" "${_build}" "-DCMAKE_PREFIX_PATH=${_prefix}"
            "-DFOOTPRINT_SOURCE_DIR=${FOOTPRINT_SOURCE_DIR}")
  build_and_run("${_build}" quickstart consumer)

elseif(MODE STREQUAL "pkg_config")
  find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
  install_footprint("${_prefix}")
  set(ENV{PKG_CONFIG_PATH} "${_prefix}/share/pkgconfig")
  file(MAKE_DIRECTORY "${_build}")
  foreach(_module_source IN ITEMS "footprint:main.cpp" "footprint-core:core.cpp")
    string(REPLACE ":" ";" _module_source "${_module_source}")
    list(GET _module_source 0 _module)
    list(GET _module_source 1 _source)
    run("${PKG_CONFIG}" --validate "${_module}")
    output(_cflags "${PKG_CONFIG}" --cflags "${_module}")
    output(_libs "${PKG_CONFIG}" --libs "${_module}")
    message(STATUS "${_module}: ${_cflags} ${_libs}")
    if(NOT _cflags MATCHES "-I[^ ]*/include( |$)" OR NOT _cflags MATCHES "-std=c\\+\\+20")
      message(FATAL_ERROR "${_module}: Cflags lack the include dir or -std=c++20: ${_cflags}")
    endif()
    if(_module STREQUAL "footprint-core" AND _libs MATCHES "${_compression_link}")
      message(FATAL_ERROR "footprint-core links ${CMAKE_MATCH_1}: ${_libs}")
    endif()
    separate_arguments(_cflags UNIX_COMMAND "${_cflags}")
    separate_arguments(_libs UNIX_COMMAND "${_libs}")
    run("${CXX_COMPILER}" ${_cflags} -O1 "${CONSUMER_DIR}/${_source}" -o "${_build}/${_module}" ${_libs})
    run("${_build}/${_module}")
  endforeach()

elseif(MODE STREQUAL "plain_install")
  # `cmake -S . -B b -DFOOTPRINT_BUILD_TESTS=OFF && cmake --install b`: examples and the
  # program are configured but not built; the install must still succeed.
  configure("${FOOTPRINT_SOURCE_DIR}" "${_build}" -DFOOTPRINT_BUILD_TESTS=OFF)
  run("${CMAKE_COMMAND}" --install "${_build}" --prefix "${_prefix}")
  foreach(_f share/cmake/footprint/footprintConfig.cmake share/pkgconfig/footprint.pc
             include/footprint/version.hpp)
    if(NOT EXISTS "${_prefix}/${_f}")
      message(FATAL_ERROR "not installed: ${_f}")
    endif()
  endforeach()
  if(EXISTS "${_prefix}/bin/footprint-pretrade")
    message(FATAL_ERROR "bin/footprint-pretrade installed although it was never built")
  endif()

elseif(MODE STREQUAL "vcpkg_port")
  # vcpkg is not run here: its configure/build/install steps are emulated with plain cmake,
  # using the options ports/footprint/portfile.cmake passes (read from it) and the ones
  # vcpkg_cmake_configure adds, for the default features (no tools: FOOTPRINT_BUILD_APPS=OFF).
  file(READ "${FOOTPRINT_SOURCE_DIR}/ports/footprint/portfile.cmake" _portfile)
  string(REGEX MATCHALL "-DFOOTPRINT_[A-Z0-9_]+=[A-Z]+" _port_options "${_portfile}")
  if(NOT "-DFOOTPRINT_WERROR=OFF" IN_LIST _port_options)
    message(FATAL_ERROR "the port does not turn -Werror off: ${_port_options}")
  endif()
  configure("${FOOTPRINT_SOURCE_DIR}" "${_build}" ${_port_options} -DFOOTPRINT_BUILD_APPS=OFF
            "-DCMAKE_INSTALL_PREFIX=${_prefix}" -DCMAKE_INSTALL_BINDIR=bin -DCMAKE_INSTALL_LIBDIR=lib
            -DCMAKE_EXPORT_NO_PACKAGE_REGISTRY=ON -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON)
  run("${CMAKE_COMMAND}" --build "${_build}" --target install)
  foreach(_f share/cmake/footprint/footprintConfig.cmake share/cmake/footprint/footprintTargets.cmake
             share/pkgconfig/footprint.pc share/pkgconfig/footprint-core.pc
             include/footprint/version.hpp)
    if(NOT EXISTS "${_prefix}/${_f}")
      message(FATAL_ERROR "not installed: ${_f}")
    endif()
  endforeach()
  foreach(_d bin lib)
    if(EXISTS "${_prefix}/${_d}")
      file(GLOB_RECURSE _files "${_prefix}/${_d}/*")
      message(FATAL_ERROR "headers-only port installed ${_d}/: ${_files}")
    endif()
  endforeach()
  # vcpkg's post-build check: a .pc in share/pkgconfig must have no Libs (else lib/pkgconfig).
  file(STRINGS "${_prefix}/share/pkgconfig/footprint.pc" _libs REGEX "^Libs[.a-z]*: *[^ ]")
  if(_libs)
    message(FATAL_ERROR "share/pkgconfig/footprint.pc lists libraries (vcpkg rejects it): ${_libs}")
  endif()

else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
