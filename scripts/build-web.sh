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
# Smaller for the same work: binaryen's size passes after rustc's, on
# rustc's output, before wasm-bindgen: Debian 12's binaryen (108) cannot
# parse the table.fill wasm-bindgen's externref pass adds, and rustc's own
# output has none. wasm-bindgen keeps what it needs (its custom section,
# its exports) through -Oz. rustc output uses these WebAssembly features;
# binaryen must be told so. If this binaryen cannot read the module, it is
# served as rustc made it.
module=target/wasm32-unknown-unknown/web/palier-app.wasm
if wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types \
    --enable-multivalue -o target/wasm32-unknown-unknown/web/palier-app.opt.wasm "$module" \
    2>/tmp/wasm-opt.log; then
    module=target/wasm32-unknown-unknown/web/palier-app.opt.wasm
else
    echo "wasm-opt ($(wasm-opt --version)) could not read the module; kept as built: $(head -c 200 /tmp/wasm-opt.log)" >&2
fi
wasm-bindgen --target web --no-typescript --out-name palier-app --out-dir web-dist/pkg "$module"

# Built files live under a name that is their build's hash: served as
# immutable (a year in every cache), and a new build is a new name, so a
# phone never mixes an old module with a new script. index.html, main.js,
# worker.js, sw.js and the manifest keep their names and are revalidated.
build=$(find web-dist/pkg -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-12)
mv web-dist/pkg "web-dist/pkg-$build"
cp app/web/manifest.webmanifest app/web/icon.svg web-dist/
# The page asks for the module and its scripts at once (they would
# otherwise wait for main.js, then the glue, then its snippets: a round
# trip each on a slow line).
preloads="<link rel=\"preload\" href=\"./pkg-$build/palier-app_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin>"
for js in $(cd web-dist && find "pkg-$build" -name '*.js' | sort); do
    preloads="$preloads<link rel=\"modulepreload\" href=\"./$js\">"
done
awk -v links="$preloads" '/<!-- preloads:/ { print "  " links } { print }' app/web/index.html > web-dist/index.html
grep -q "pkg-$build/palier-app_bg.wasm" web-dist/index.html || { echo "index.html: the preloads were not written" >&2; exit 1; }
for script in main.js worker.js; do
    sed "s|\./pkg/|./pkg-$build/|" "app/web/$script" > "web-dist/$script"
    grep -q "pkg-$build/" "web-dist/$script" || { echo "$script: the module path was not written" >&2; exit 1; }
done
# The service worker caches every file of the build at install, under a
# cache named after the build, so phones drop the old shell.
files=$(cd web-dist && find . -type f | sort | sed 's/.*/"&"/' | paste -sd, -)
sed -e "s/palier-shell-v1/palier-shell-$build/" -e "s|^const FILES = \[\];|const FILES = [$files];|" \
    app/web/sw.js > web-dist/sw.js
grep -q "\"./pkg-$build/palier-app_bg.wasm\"" web-dist/sw.js || { echo "sw.js: the file list was not written" >&2; exit 1; }
# Precompressed beside each file: the server sends the smallest the
# browser accepts, without compressing on every request.
find web-dist -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.html' -o -name '*.svg' -o -name '*.webmanifest' \) \
    -size +1k -print0 | while IFS= read -r -d '' f; do
    gzip -9 -k -f "$f"
    brotli -q 11 -k -f "$f"
done
wasm=$(stat -c %s "web-dist/pkg-$build/palier-app_bg.wasm")
br=$(stat -c %s "web-dist/pkg-$build/palier-app_bg.wasm.br")
echo "web build in web-dist/ (module $wasm bytes, $br brotli)"
