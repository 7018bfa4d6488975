#!/usr/bin/env bash
# Installs what footprint's build, tests and examples need on Debian 12, skipping what is
# already there. Run as root, or as a user with sudo.
set -euo pipefail

packages=(
  # toolchain
  g++ clang-14 libclang-rt-14-dev cmake ninja-build python3 pkg-config
  # the library's dependencies (header-only)
  libeigen3-dev libxtensor-dev xtl-dev libboost-dev nlohmann-json3-dev
  zlib1g-dev libbz2-dev
  # OpenMP runtime for clang (g++ ships libgomp)
  libomp-14-dev
  # tests, examples and benchmarks
  doctest-dev libbenchmark-dev libcli11-dev
  # peers that tests and benchmarks compare against
  python3-numpy python3-sklearn python3-xgboost libxgboost-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
