#!/usr/bin/env bash
# Installs what Palier needs beyond Rust, on Debian: clang (SQLite for the
# wasm32 build), Chromium and Node.js (end-to-end tests), WebKitGTK and
# libxdo (the desktop build) and the wasm32 target. Safe to run again; both README
# commands call it.
set -euo pipefail

need_apt=()
command -v clang >/dev/null 2>&1 || need_apt+=(clang)
# Headless Chromium for the end-to-end tests, Node.js and npm for their runner.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
# The desktop build's system libraries (WebKitGTK, libxdo), to compile it.
for pkg in pkg-config libwebkit2gtk-4.1-dev libxdo-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
