#!/usr/bin/env bash
# Installs what Palier needs beyond Rust, on Debian. Safe to run again; both
# README commands call it.
#   ./scripts/setup.sh          what running Palier needs: clang (SQLite in
#                               the wasm32 build), binaryen (wasm-opt,
#                               which shrinks the field app's module),
#                               brotli (the module served precompressed)
#                               and the wasm32 target.
#   ./scripts/setup.sh --tests  and what only the tests need: Chromium and
#                               Node.js (end-to-end tests), poppler-utils
#                               (the printed report's PDF turned into PNG
#                               pages), WebKitGTK and libxdo (to compile
#                               the desktop build), PostgreSQL (the
#                               server's second backend, started by
#                               scripts/with-postgres.sh).
set -euo pipefail

tests=false
[ "${1:-}" = "--tests" ] && tests=true

need_apt=()
command -v clang >/dev/null 2>&1 || need_apt+=(clang)
command -v wasm-opt >/dev/null 2>&1 || need_apt+=(binaryen)
command -v brotli >/dev/null 2>&1 || need_apt+=(brotli)
if $tests; then
    [ -x /usr/bin/chromium ] || need_apt+=(chromium)
    command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
    command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
    for pkg in pkg-config libwebkit2gtk-4.1-dev libxdo-dev; do
        dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
    done
fi
if ((${#need_apt[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
