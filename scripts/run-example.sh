#!/usr/bin/env bash
# The main job: installs what is missing, builds footprint's examples and runs the main
# one. Until the pre-trade report (footprint-pretrade) exists, that is the most complete
# example program. Arguments are passed to it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFOOTPRINT_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" --target quickstart
exec build/release/examples/quickstart "$@"
