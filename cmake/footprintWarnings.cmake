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
add_library(footprint_sanitize_flags INTERFACE)
if(FOOTPRINT_SANITIZE)
  target_compile_options(footprint_sanitize_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(footprint_sanitize_flags INTERFACE -fsanitize=address,undefined)
endif()

# footprint_target(<target> [NO_SANITIZE]): footprint's usual settings for one of its own
# programs: the warnings, and the sanitizers under FOOTPRINT_SANITIZE unless NO_SANITIZE (the
# benchmarks, which the sanitizer suite compiles but never runs: the instrumentation made
# their compile 1.6 to 1.8 times slower at -O0).
function(footprint_target target)
  cmake_parse_arguments(PARSE_ARGV 1 _a "NO_SANITIZE" "" "")
  target_link_libraries(${target} PRIVATE footprint::footprint footprint_dev_flags)
  if(NOT _a_NO_SANITIZE)
    target_link_libraries(${target} PRIVATE footprint_sanitize_flags)
  endif()
endfunction()
