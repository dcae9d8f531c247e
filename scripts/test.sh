#!/usr/bin/env bash
# Runs every check and test of Palier: formatting, lints (native, and the
# web build's wasm32 code), the Rust test suite (unit, property,
# integration, crash), then the end-to-end tests: the real server and the
# real web build in headless Chromium. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --tests
# One full run gains nothing from incremental caches, which would double
# target/'s size on a fresh clone.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p shared -p app --features app/web --target wasm32-unknown-unknown --locked -- -D warnings
cargo clippy -p app --features desktop --locked -- -D warnings
# Beside a throwaway PostgreSQL on loopback (the storage conformance
# suite runs on both backends).
./scripts/with-postgres.sh cargo test --workspace --locked

./scripts/build-web.sh
cargo build -p sync-server -p tests --bins --locked
(cd tests/e2e && npm ci --no-audit --no-fund && npm test)
