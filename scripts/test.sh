#!/usr/bin/env bash
# The test command: installs what is missing, then builds and runs footprint's whole test
# suite with g++ (Release, benchmarks compiled), with clang 14 (plus each libFuzzer target for a
# bounded time), and under ASan + UBSan.
# README.md gives this command to newcomers and .ci/run runs it verbatim.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

jobs=$(nproc)
run_suite() {  # run_suite <name> <cmake args...>
  local name=$1
  shift
  echo "=== footprint tests: ${name} ==="
  cmake -S . -B "build/${name}" -G Ninja -DFOOTPRINT_WERROR=ON "$@"
  cmake --build "build/${name}" -j "${jobs}"
  ctest --test-dir "build/${name}" -j "${jobs}" --output-on-failure
}

run_suite gcc -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release -DFOOTPRINT_BUILD_BENCHMARKS=ON
run_suite clang -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release -DFOOTPRINT_BUILD_FUZZERS=ON
run_suite sanitize -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Debug -DFOOTPRINT_SANITIZE=ON
echo "=== footprint tests: all suites passed ==="
