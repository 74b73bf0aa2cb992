#!/usr/bin/env bash
# Installs what the build needs and is missing: the wasm32 target, wasm-bindgen CLI at exactly the
# version in Cargo.lock, and a working wasm-opt (npm binaryen; Debian's binaryen 108 breaks the wasm).
# With `--test` also: Chromium + ChromeDriver (Debian), playwright-core, axe-core and oidc-provider
# (npm; tests/oidc/provider.mjs), a running PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="${NETRA_TOOLS:-$HOME/.cache/netra/tools}"
mkdir -p "$TOOLS"
say() { printf '\033[1m[tools]\033[0m %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

want_wb=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have_wb=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_wb" != "$want_wb" ]; then
  say "installing wasm-bindgen-cli $want_wb (found: ${have_wb:-none}); a few minutes on 2 cores"
  # No --locked: its lockfile names a crate version this registry lacks.
  cargo install wasm-bindgen-cli --version "$want_wb"
fi

npm_pkgs=()
[ -x "$TOOLS/node_modules/.bin/wasm-opt" ] || npm_pkgs+=("binaryen@132")
if [ "${1:-}" = "--test" ] && [ ! -d "$TOOLS/node_modules/playwright-core" ]; then
  npm_pkgs+=("playwright-core@1.65.1")
fi
if [ "${1:-}" = "--test" ] && [ ! -d "$TOOLS/node_modules/axe-core" ]; then
  npm_pkgs+=("axe-core@4.14.1")
fi
if [ "${1:-}" = "--test" ] && [ ! -d "$TOOLS/node_modules/oidc-provider" ]; then
  npm_pkgs+=("oidc-provider@9.13.3")
fi
if [ ${#npm_pkgs[@]} -gt 0 ]; then
  command -v npm >/dev/null || apt_install nodejs npm
  say "installing ${npm_pkgs[*]} into $TOOLS"
  (cd "$TOOLS" && [ -f package.json ] || echo '{"private":true}' > "$TOOLS/package.json")
  (cd "$TOOLS" && npm install --no-audit --no-fund --silent "${npm_pkgs[@]}")
fi

command -v brotli >/dev/null || { say "installing brotli"; apt_install brotli; }

if [ "${1:-}" = "--test" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    apt_install chromium chromium-driver
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if ! command -v pg_ctlcluster >/dev/null; then
      say "installing PostgreSQL"
      apt_install postgresql
    fi
    say "starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi
