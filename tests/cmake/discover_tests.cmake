# Registers the doctest test cases of one test executable with CTest, with labels
# (cmake -P, run after the executable is built; see footprint_add_test_module).
#
# Like doctest's doctest_discover_tests (which it replaces), but it labels every test with
# its module and with a speed/data label, in 2 + (number of suites) runs of the executable
# rather than one run per test case:
# - the module (the folder under tests/, e.g. "models");
# - the doctest test suite of the case when it has one ("real-data": reads ../shared/data
#   and skips with a message without it; "slow": takes seconds), else "quick".
# So `ctest -L quick` is the fast inner loop, `ctest -L real-data` the data checks.
#
# Variables: TEST_EXECUTABLE, MODULE, CTEST_FILE, WORKING_DIR.
cmake_minimum_required(VERSION 3.21)

function(run_listing out_var)
  execute_process(COMMAND "${TEST_EXECUTABLE}" ${ARGN} --no-version=true
    OUTPUT_VARIABLE _out RESULT_VARIABLE _rc WORKING_DIRECTORY "${WORKING_DIR}")
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "${TEST_EXECUTABLE} ${ARGN} failed (${_rc}):\n${_out}")
  endif()
  string(REPLACE ";" "\\;" _out "${_out}")
  string(REPLACE "\n" ";" _lines "${_out}")
  set(_names "")
  foreach(_line IN LISTS _lines)
    if(_line STREQUAL "" OR _line MATCHES "^=+$" OR _line MATCHES "^\\[doctest\\] ")
      continue()
    endif()
    list(APPEND _names "${_line}")
  endforeach()
  set(${out_var} "${_names}" PARENT_SCOPE)
endfunction()

run_listing(_cases --list-test-cases)
run_listing(_suites --list-test-suites)
foreach(_suite IN LISTS _suites)
  run_listing(_in_suite --list-test-cases "--test-suite=${_suite}")
  foreach(_case IN LISTS _in_suite)
    string(MAKE_C_IDENTIFIER "${_case}" _key)
    set(_suite_of_${_key} "${_suite}")
  endforeach()
endforeach()

set(_script "")
foreach(_case IN LISTS _cases)
  string(MAKE_C_IDENTIFIER "${_case}" _key)
  set(_label quick)
  if(DEFINED _suite_of_${_key})
    set(_label "${_suite_of_${_key}}")
  endif()
  # doctest splits --test-case filters at commas; escape them
  string(REPLACE "," "\\," _filter "${_case}")
  string(APPEND _script
    "add_test([==[${MODULE}: ${_case}]==] [==[${TEST_EXECUTABLE}]==] [==[--test-case=${_filter}]==])\n"
    "set_tests_properties([==[${MODULE}: ${_case}]==] PROPERTIES WORKING_DIRECTORY [==[${WORKING_DIR}]==] "
    "LABELS [==[${MODULE};${_label}]==] "
    "PASS_REGULAR_EXPRESSION [==[test cases: +1 [|] +1 passed [|] +0 failed]==])\n")
endforeach()
file(WRITE "${CTEST_FILE}" "${_script}")
