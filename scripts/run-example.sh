#!/usr/bin/env bash
# The main job: installs what is missing, builds footprint-pretrade (the pre-trade impact
# report) and runs it. With no arguments it prices a buy order on the built-in synthetic
# market, whose true impact is known; arguments are passed to it (see --help and
# docs/pretrade.md), e.g.
#   bash scripts/run-example.sh --lobster MESSAGE.csv ORDERBOOK.csv --side sell --quantity 2000 --horizon 30m
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFOOTPRINT_BUILD_TESTS=OFF \
  -DFOOTPRINT_BUILD_EXAMPLES=OFF -DFOOTPRINT_WERROR=ON >/dev/null
cmake --build build/release -j "$(nproc)" --target footprint-pretrade
exec build/release/apps/footprint-pretrade "$@"
