#!/usr/bin/env bash
# Supply chain: cargo deny (advisories, licenses, bans, sources; deny.toml)
# and npm audit of the runtime dependencies (there are none; this keeps it
# so). The RustSec database is read offline from a git bundle: the copy
# kept in the repository (deny/advisory-db.bundle, deny/README.md), or
# ../shared/advisory-db.bundle when that one is newer.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo-deny >/dev/null; then
  echo "audit: installing cargo-deny (once; a few minutes)" >&2
  # Into the user's own Cargo home (on PATH), even when CARGO_HOME is a
  # scratch one (.ci/run audits with a fresh one).
  cargo install cargo-deny --locked --root "$HOME/.cargo"
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The commit time of a bundle's one commit.
committed() { git -c init.defaultBranch=main clone --quiet --bare "$1" "$scratch/$2" && git -C "$scratch/$2" log -1 --format=%ct; }
bundle=deny/advisory-db.bundle
if [ -f ../shared/advisory-db.bundle ] &&
  [ "$(committed ../shared/advisory-db.bundle shared)" -gt "$(committed "$bundle" kept)" ]; then
  bundle=../shared/advisory-db.bundle
fi
db=target/advisory-db/advisory-db-3157b0e258782691
rm -rf "$db"
mkdir -p "$(dirname "$db")"
git -c init.defaultBranch=main clone --quiet "$bundle" "$db"
echo "audit: advisories from $bundle ($(git -C "$db" log -1 --format=%cs))" >&2
# cargo deny reads the crate graph offline, and cargo metadata needs every
# crate of every target for that (r-efi, say, a UEFI-only dependency of
# getrandom): a Cargo home that never built the project has none of them.
cargo fetch --locked --quiet
cargo deny --offline --log-level error check advisories licenses bans sources
npm audit --omit=dev --audit-level=low
node -e 'const p=require("./package.json"); const n=Object.keys(p.dependencies??{}).length; if(n) { console.error(`audit: ${n} runtime dependencies; the package must have none`); process.exit(1) } console.log("audit: 0 runtime npm dependencies")'
