#!/usr/bin/env bash
# Builds the browser half of the site without cargo-leptos (which would try to download tools):
# the two islands bundles (wasm, wasm-bindgen glue, wasm-opt), CSS and static files, precompressed.
#   .ci/build-site.sh release   -> target/site        (served by the release server)
#   .ci/build-site.sh debug     -> target/site-debug  (served by the debug test server)
# Never mix profiles: release and debug builds emit different hydration markers.
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE="${1:-release}"
TOOLS="${NETRA_TOOLS:-$HOME/.cache/netra/tools}"
export PATH="$TOOLS/node_modules/.bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
# Baked into both halves at compile time (also set in .cargo/config.toml).
export LEPTOS_OUTPUT_NAME=netra

case "$PROFILE" in
  release) CARGO_PROFILE=wasm-release; PROFILE_DIR=wasm-release; SITE=target/site ;;
  debug) CARGO_PROFILE=dev; PROFILE_DIR=debug; SITE=target/site-debug ;;
  *) echo "usage: $0 release|debug" >&2; exit 2 ;;
esac

# Two bundles of islands (Leptos islands; docs/architecture.md): `netra` for learners' pages and
# `netra-staff` for staff pages (the same islands plus the staff pages' own, feature `staff`).
# The staff bundle builds in a target directory of its own: one directory would rebuild the app
# crate on every run, as the features switch back and forth.
OUT="$TARGET_DIR/wasm32-unknown-unknown/$PROFILE_DIR"
for bundle in netra netra-staff; do
  features=hydrate dir="$TARGET_DIR"
  [ "$bundle" = netra-staff ] && features=hydrate,staff dir="$TARGET_DIR/staff-bundle"
  cargo build -p app --lib --target wasm32-unknown-unknown --profile "$CARGO_PROFILE" \
    --no-default-features --features "$features" --target-dir "$dir"
  built="$dir/wasm32-unknown-unknown/$PROFILE_DIR/app.wasm"
  cmp -s "$built" "$OUT/$bundle.wasm" || cp "$built" "$OUT/$bundle.wasm"
done

# Nothing changed since the last site build: keep it (bindgen, wasm-opt and brotli take ~25 s).
STAMP="$SITE/asset-name"
if [ -f "$STAMP" ] && [ "$STAMP" -nt "$OUT/netra.wasm" ] && [ "$STAMP" -nt "$OUT/netra-staff.wasm" ] \
   && [ "$STAMP" -nt style/main.css ] \
   && [ -z "$(find public -newer "$STAMP" -print -quit)" ] && [ "$STAMP" -nt "$0" ]; then
  echo "site in $SITE is up to date"
  exit 0
fi

rm -rf "$SITE.tmp" && mkdir -p "$SITE.tmp/pkg"
for bundle in netra netra-staff; do
  wasm-bindgen --target web --out-name "$bundle" --out-dir "$SITE.tmp/pkg" "$OUT/$bundle.wasm"
  mv "$SITE.tmp/pkg/${bundle}_bg.wasm" "$SITE.tmp/pkg/$bundle.wasm"
  if [ "$PROFILE" = release ]; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      "$SITE.tmp/pkg/$bundle.wasm" -o "$SITE.tmp/pkg/$bundle.wasm"
  fi
done
cp style/main.css "$SITE.tmp/pkg/netra.css"
# Content-hashed names (netra-<hash>.js/.wasm/.css, netra-<hash>-staff.js/.wasm): the server
# sends them with a year-long immutable Cache-Control, so a returning phone downloads nothing until
# the next release. The server reads the name from asset-name (the staff bundle adds `-staff`).
HASH="$(cat "$SITE.tmp"/pkg/netra.wasm "$SITE.tmp"/pkg/netra.js "$SITE.tmp"/pkg/netra-staff.wasm \
  "$SITE.tmp"/pkg/netra-staff.js "$SITE.tmp/pkg/netra.css" | sha256sum | cut -c1-16)"
for ext in wasm js css; do
  mv "$SITE.tmp/pkg/netra.$ext" "$SITE.tmp/pkg/netra-$HASH.$ext"
done
for ext in wasm js; do
  mv "$SITE.tmp/pkg/netra-staff.$ext" "$SITE.tmp/pkg/netra-$HASH-staff.$ext"
done
cp -r public/. "$SITE.tmp/"
for f in "$SITE.tmp"/pkg/*.wasm "$SITE.tmp"/pkg/*.js "$SITE.tmp"/pkg/*.css "$SITE.tmp"/*.svg; do
  [ -f "$f" ] || continue
  gzip -9 -k -f "$f"
  brotli -q 11 -f "$f" -o "$f.br"
done
# Written last: its presence marks a complete build.
echo "netra-$HASH" > "$SITE.tmp/asset-name"
rm -rf "$SITE" && mv "$SITE.tmp" "$SITE"
for bundle in "netra-$HASH" "netra-$HASH-staff"; do
  echo "site built in $SITE: $bundle.wasm $(du -b "$SITE/pkg/$bundle.wasm" | cut -f1) bytes, $(du -b "$SITE/pkg/$bundle.wasm.br" | cut -f1) brotli"
done
