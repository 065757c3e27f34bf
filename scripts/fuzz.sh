#!/usr/bin/env bash
# Runs one fuzz target with cargo fuzz (nightly), seeded from fuzz/seeds.
#   npm run fuzz -- <key_file|pem|jwt|json|responses> [seconds, default 60]
# Crashes land in fuzz/artifacts/<target>/; the growing corpus in
# fuzz/corpus/<target>/ (not committed). See FUZZING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: npm run fuzz -- <key_file|pem|jwt|json|responses> [seconds]}
seconds=${2:-60}
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
mkdir -p "fuzz/corpus/$target"
cd fuzz
exec cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
  -max_total_time="$seconds" -max_len=65536 -print_final_stats=1
