#!/usr/bin/env bash
# Runs Palier: the sync server with its embedded SQLite store, a demo
# municipality included. Extra arguments go to `palier-server serve`
# (see `--help`); data lives in ./data unless PALIER_DATA says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec cargo run --release --locked -p sync-server --bin palier-server -- serve --demo "$@"
