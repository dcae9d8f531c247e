#!/usr/bin/env bash
# Builds the field app's web build into web-dist/ (served by palier-server
# at /): the wasm module through plain cargo + wasm-bindgen (no dx), and the
# shell files from app/web/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

# wasm-bindgen's CLI must match the wasm-bindgen crate in Cargo.lock exactly.
want=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
    # Not --locked: one of its locked dependencies is missing from our registry.
    cargo install wasm-bindgen-cli --version "$want"
fi

cargo build -p app --features web --target wasm32-unknown-unknown --profile web --locked
rm -rf web-dist
mkdir -p web-dist/pkg
wasm-bindgen --target web --no-typescript --out-dir web-dist/pkg \
    target/wasm32-unknown-unknown/web/palier-app.wasm
cp app/web/index.html app/web/main.js app/web/worker.js app/web/manifest.webmanifest app/web/icon.svg web-dist/
# A new build gets a new cache, so phones drop the old shell.
build=$(sha256sum web-dist/pkg/palier-app_bg.wasm | cut -c1-12)
# The service worker caches every file of the build at install.
files=$(cd web-dist && find . -type f | sort | sed 's/.*/"&"/' | paste -sd, -)
sed -e "s/palier-shell-v1/palier-shell-$build/" -e "s|^const FILES = \[\];|const FILES = [$files];|" \
    app/web/sw.js > web-dist/sw.js
grep -q '"./pkg/palier-app_bg.wasm"' web-dist/sw.js || { echo "sw.js: the file list was not written" >&2; exit 1; }
echo "web build in web-dist/ ($(du -sh web-dist | cut -f1))"
