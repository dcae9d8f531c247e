#!/usr/bin/env bash
# Runs Palier: builds the field app's web build, then starts the sync server
# with its embedded SQLite store, serving the field app at / and a demo
# municipality. Extra arguments go to `palier-server serve` (see `--help`);
# data lives in ./data unless PALIER_DATA says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-web.sh
exec cargo run --release --locked -p sync-server --bin palier-server -- serve --demo "$@"
