#!/usr/bin/env bash
# Runs every check and test of Palier: formatting, lints, the wasm32 build
# of the code the web app shares, and the whole test suite (unit, property,
# integration, crash). This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo check -p shared -p app --target wasm32-unknown-unknown --locked
cargo test --workspace --locked
