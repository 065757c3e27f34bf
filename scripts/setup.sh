#!/usr/bin/env bash
# One idempotent setup for both README commands and CI: installs what the
# project needs, then builds pkg/ (the wasm package). Safe to run again: each
# step is skipped when already done.
#
#   bash scripts/setup.sh               # toolchain, browsers, valgrind, test runtimes, npm packages, build
#   bash scripts/setup.sh --no-browser  # the same without the test tools (npm start)
#   IAMJWT_SKIP_BUILD=1 bash scripts/setup.sh   # no build
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

# 1. The wasm32 target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen-cli at exactly the version of wasm-bindgen in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found '${have:-none}'); this takes several minutes once"
  cargo install wasm-bindgen-cli --version "$want"
fi

# 3. For the tests only: Chromium and Firefox ESR for the browser tests
#    (playwright-core and puppeteer-core drive Debian's packages) and
#    valgrind for the constant-time gate.
tests=false
[ "${1:-}" != "--no-browser" ] && tests=true
if $tests; then
  bash scripts/apt-install.sh chromium firefox-esr valgrind
fi

# 4. npm packages (dev only: the package has no runtime dependencies).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 5. For the tests only: the runtimes the one suite runs on (Node 18, 22
#    and 24, Deno, Bun, wrangler and miniflare with workerd, Vite,
#    puppeteer-core), from the npm registry, pinned by their own lock file.
runtimes=tests/runtimes
if $tests && { [ ! -d $runtimes/node_modules ] || [ $runtimes/package-lock.json -nt $runtimes/node_modules/.package-lock.json ]; }; then
  say "installing the test runtimes (tests/runtimes: Node 18/22/24, Deno, Bun, workerd, Vite)"
  npm ci --prefix $runtimes --no-audit --no-fund --loglevel=error
fi

[ -n "${IAMJWT_SKIP_BUILD:-}" ] || node scripts/build.mjs
