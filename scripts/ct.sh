#!/usr/bin/env bash
# The constant-time gate (npm run ct; run by npm test). ct/ decodes the
# base64 body of an RSA-2048 and an RSA-4096 key and signs one PS256 JWT
# with each under valgrind memcheck, with the keys' secrets and the
# blinding randomness marked undefined (ct/src). It runs twice: at this
# machine's 64-bit words, and at the 32-bit words the .wasm is built with
# (.cargo/config.toml), both at the release profile's opt-levels. Any report
# outside ct/valgrind.supp fails it. Then the negative control, a build
# with one branch on a secret bit, must fail, naming that branch: so the
# gate is known to bite.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'ct: %s\n' "$*" >&2; }

bash scripts/apt-install.sh valgrind

out=target/ct-gate
mkdir -p "$out"
cargo build --quiet --profile ct -p iamjwt-ct
cp target/ct/iamjwt-ct "$out/gate-64"
cargo build --quiet --profile ct -p iamjwt-ct --features negative-control
cp target/ct/iamjwt-ct "$out/negative-control"
RUSTFLAGS='--cfg cpubits="32"' cargo build --quiet --profile ct -p iamjwt-ct --target-dir target/ct32
cp target/ct32/ct/iamjwt-ct "$out/gate-32"

# memcheck with the suppressions; prints what it found, grouped by the
# innermost frame, and returns its exit code (99 when it reported errors).
memcheck() {
  local name=$1
  local status=0
  valgrind --tool=memcheck --error-exitcode=99 --num-callers=40 \
    --suppressions=ct/valgrind.supp --log-file="$out/$name.log" "$out/$name" >"$out/$name.out" || status=$?
  grep -h 'ERROR SUMMARY' "$out/$name.log" | sed "s/^==[0-9]*== /ct: $name: /" >&2
  if [ "$status" != 0 ]; then
    grep -A1 -E '^==[0-9]+== (Conditional jump|Use of uninitialised|Syscall param)' "$out/$name.log" \
      | grep -oE 'at 0x[0-9A-F]+: .*' | sed -E 's/^at 0x[0-9A-F]+: //' \
      | sort | uniq -c | sort -rn | head -20 | sed 's/^/ct:   /' >&2
  fi
  return "$status"
}

for words in 64 32; do
  status=0
  memcheck "gate-$words" || status=$?
  if [ "$status" != 0 ]; then
    say "FAIL ($words-bit words): memcheck reports a branch or an address that depends on a secret (full report: $out/gate-$words.log)"
    exit 1
  fi
  sed "s/^/ct: $words-bit words: /" "$out/gate-$words.out" >&2
done

status=0
memcheck negative-control || status=$?
if [ "$status" != 99 ] || ! grep -q 'negative_control' "$out/negative-control.log"; then
  say "FAIL: the negative control's secret branch went unreported: the gate does not bite"
  exit 1
fi
say "ok: nothing depends on a secret at RSA-2048 and RSA-4096, with 64- and 32-bit words; the negative control was caught"
