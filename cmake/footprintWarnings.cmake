# Warning and sanitizer flags for footprint's own targets (tests, examples, benchmarks).
# Never applied to the INTERFACE target, so consumers keep their own flags.
add_library(footprint_dev_flags INTERFACE)
target_compile_options(footprint_dev_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference
  -Wimplicit-fallthrough
  # Parameters are aggregates with defaults, filled with designated initializers; GCC 12
  # warns about every member left to its default there, which is the point of the design.
  -Wno-missing-field-initializers)
if(FOOTPRINT_WERROR)
  target_compile_options(footprint_dev_flags INTERFACE -Werror)
endif()
# GCC 12 reports false -Wnull-dereference warnings inside libstdc++ code inlined into CLI11's
# and pybind11's: a target links this after footprint_target to turn the warning off for all
# its units (a source with its own options instead would stay out of a unity unit).
add_library(footprint_gcc_no_null_dereference INTERFACE)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(footprint_gcc_no_null_dereference INTERFACE -Wno-null-dereference)
endif()
add_library(footprint_sanitize_flags INTERFACE)
if(FOOTPRINT_SANITIZE)
  target_compile_options(footprint_sanitize_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(footprint_sanitize_flags INTERFACE -fsanitize=address,undefined)
endif()

# g++ collects its garbage whenever its heap has grown by ggc-min-expand percent past
# ggc-min-heapsize KiB (100% and 128 MiB on a machine of 1 GiB or more), and our heavy units
# (Eigen's products and decompositions, the pre-trade analysis) grow to gigabytes: with
# FOOTPRINT_GCC_FEWER_COLLECTIONS (on in the gcc preset) g++ collects past 4 GiB only, for
# about a tenth less compile time and a third more memory (apps/pretrade/model_bayes.cpp at
# -O1: 40.2 s and 1.75 GB, 35.7 s and 2.3 GB; 2026-12-06). Builds only: no effect on the code.
option(FOOTPRINT_GCC_FEWER_COLLECTIONS "g++: collect garbage past 4 GiB only (faster builds, more memory)" OFF)
add_library(footprint_build_speed_flags INTERFACE)
if(FOOTPRINT_GCC_FEWER_COLLECTIONS AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(footprint_build_speed_flags INTERFACE --param=ggc-min-expand=400
                         --param=ggc-min-heapsize=4194304)
endif()

# footprint_target(<target> [NO_SANITIZE] [TIMED]): footprint's usual settings for one of its
# own programs: the warnings, the build-speed options above unless TIMED (the header check,
# whose compile times are the headers' budget, measured as a user's g++ would take them), and
# the sanitizers under FOOTPRINT_SANITIZE unless NO_SANITIZE (the benchmarks, which the
# sanitizer suite compiles but never runs: the instrumentation made their compile 1.6 to 1.8
# times slower at -O0).
function(footprint_target target)
  cmake_parse_arguments(PARSE_ARGV 1 _a "NO_SANITIZE;TIMED" "" "")
  target_link_libraries(${target} PRIVATE footprint::footprint footprint_dev_flags)
  if(NOT _a_TIMED)
    target_link_libraries(${target} PRIVATE footprint_build_speed_flags)
  endif()
  if(NOT _a_NO_SANITIZE)
    target_link_libraries(${target} PRIVATE footprint_sanitize_flags)
  endif()
endfunction()
