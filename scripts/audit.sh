#!/usr/bin/env bash
# Supply chain: cargo deny (licenses, bans, sources; deny.toml) and npm
# audit of the runtime dependencies (there are none; this keeps it so).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo-deny >/dev/null; then
  echo "audit: installing cargo-deny (once; a few minutes)" >&2
  cargo install cargo-deny --locked
fi
cargo deny --log-level error check licenses bans sources
npm audit --omit=dev --audit-level=low
node -e 'const p=require("./package.json"); const n=Object.keys(p.dependencies??{}).length; if(n) { console.error(`audit: ${n} runtime dependencies; the package must have none`); process.exit(1) } console.log("audit: 0 runtime npm dependencies")'
