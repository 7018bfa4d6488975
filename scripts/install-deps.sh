#!/usr/bin/env bash
# Installs what footprint needs on Debian 12, skipping what is already there. Run as root, or
# as a user with sudo.
#
#   install-deps.sh main    the main job: build footprint-pretrade (compiler, CMake, the
#                           library's dependencies, CLI11)
#   install-deps.sh test    + the test suite's tools (doctest, Python for the checks, pybind11,
#                           python3-dev, numpy, scikit-learn, pandas, distributed (Dask) and
#                           pytest for the Python module's tests, venv, pip and setuptools for
#                           its `pip install .`)
#   install-deps.sh ci      + what CI's other suites need (clang 14 and its runtimes for the
#                           fuzzers and OpenMP, Google Benchmark, XGBoost's C library,
#                           simdjson, RapidJSON and QuickFIX to compile the benchmarks' peers)
#   install-deps.sh peers   + the Python peers the benchmarks and reference scripts run
#                           (numpy, scikit-learn, XGBoost, PyTorch) and matplotlib for the plot scripts
# Each profile includes the ones above it. The default is `test`.
set -euo pipefail

profile=${1:-test}
main=(
  g++ cmake ninja-build pkg-config
  # the library's dependencies (header-only, plus zlib and libbzip2 for the readers)
  libeigen3-dev libxtensor-dev xtl-dev libboost-dev nlohmann-json3-dev zlib1g-dev libbz2-dev
  # ISA-L: gzip files decompressed several times faster than by zlib (optional: FOOTPRINT_USE_ISAL)
  libisal-dev
  # the programs' command lines
  libcli11-dev
)
test=(doctest-dev python3 clang-format-14 pybind11-dev python3-dev python3-numpy python3-pytest python3-sklearn
  python3-pandas python3-distributed python3-venv python3-pip python3-setuptools python3-wheel)
ci=(clang-14 libclang-rt-14-dev libomp-14-dev libbenchmark-dev libxgboost-dev libsimdjson-dev rapidjson-dev libquickfix-dev)
peers=(python3-numpy python3-sklearn python3-xgboost python3-torch python3-matplotlib)

case "$profile" in
  main) packages=("${main[@]}") ;;
  test) packages=("${main[@]}" "${test[@]}") ;;
  ci) packages=("${main[@]}" "${test[@]}" "${ci[@]}") ;;
  peers) packages=("${main[@]}" "${test[@]}" "${ci[@]}" "${peers[@]}") ;;
  *) echo "install-deps: unknown profile '$profile' (main, test, ci or peers)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps ($profile): everything is installed"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
echo "install-deps ($profile): installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
