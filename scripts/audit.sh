#!/usr/bin/env bash
# Supply chain: cargo deny (advisories, licenses, bans, sources; deny.toml)
# and npm audit of the runtime dependencies (there are none; this keeps it
# so). The RustSec database comes from ../shared/advisory-db.bundle, read
# offline; without it (a bare clone) the advisories check is skipped, and
# the audit says so.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo-deny >/dev/null; then
  echo "audit: installing cargo-deny (once; a few minutes)" >&2
  cargo install cargo-deny --locked
fi

bundle=../shared/advisory-db.bundle
db=target/advisory-db/advisory-db-3157b0e258782691
if [ -f "$bundle" ]; then
  rm -rf "$db"
  mkdir -p "$(dirname "$db")"
  git -c init.defaultBranch=main clone --quiet "$bundle" "$db"
  echo "audit: advisories from $bundle ($(git -C "$db" log -1 --format=%cs))" >&2
  cargo deny --offline --log-level error check advisories licenses bans sources
else
  echo "audit: skipped advisories: no RustSec database ($bundle is missing)" >&2
  cargo deny --log-level error check licenses bans sources
fi
npm audit --omit=dev --audit-level=low
node -e 'const p=require("./package.json"); const n=Object.keys(p.dependencies??{}).length; if(n) { console.error(`audit: ${n} runtime dependencies; the package must have none`); process.exit(1) } console.log("audit: 0 runtime npm dependencies")'
