#!/usr/bin/env bash
# The main job: installs what is missing (only what the program needs), builds
# footprint-pretrade (the pre-trade impact report) and runs it. With no arguments it prices
# a buy order on the built-in synthetic market, whose true impact is known; arguments are
# passed to it (see --help and docs/pretrade.md), e.g.
#   bash scripts/run-example.sh --lobster MESSAGE.csv ORDERBOOK.csv --side sell --quantity 2000 --horizon 30m
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh main
echo "run-example: building footprint-pretrade (about 2 minutes on 2 cores the first time)"
cmake --preset release > /dev/null
cmake --build --preset release -j "$(nproc)"
exec build/release/apps/footprint-pretrade "$@"
