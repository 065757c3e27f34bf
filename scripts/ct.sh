#!/usr/bin/env bash
# The constant-time gate (npm run ct; run by npm test): ct/ signs one PS256
# JWT with an RSA-2048 and an RSA-4096 key under valgrind memcheck, the
# keys' secrets and the blinding randomness marked undefined (ct/src). Any
# report outside ct/valgrind.supp fails it. Then the negative control, a
# build with one branch on a secret bit, must fail, naming that branch:
# so the gate is known to bite.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'ct: %s\n' "$*" >&2; }

if ! command -v valgrind >/dev/null || [ ! -f /usr/include/valgrind/memcheck.h ]; then
  say "installing valgrind (apt-get install valgrind)"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind >/dev/null
fi

out=target/ct
mkdir -p "$out"
cargo build --quiet --profile ct -p iamjwt-ct
cp target/ct/iamjwt-ct "$out/gate"
cargo build --quiet --profile ct -p iamjwt-ct --features negative-control
cp target/ct/iamjwt-ct "$out/negative-control"

# memcheck, with the suppressions; prints what it found, grouped by the
# innermost frame, and returns its exit code (99 when it reported errors).
memcheck() {
  local name=$1; shift
  local status=0
  valgrind --tool=memcheck --error-exitcode=99 --num-callers=40 \
    --suppressions=ct/valgrind.supp --log-file="$out/$name.log" "$@" >"$out/$name.out" || status=$?
  grep -h 'ERROR SUMMARY' "$out/$name.log" | sed "s/^==[0-9]*== /ct: $name: /" >&2
  if [ "$status" != 0 ]; then
    grep -A1 -E '^==[0-9]+== (Conditional jump|Use of uninitialised|Syscall param)' "$out/$name.log" \
      | grep -oE '(at|by) 0x[0-9A-F]+: .*' | sed -E 's/^(at|by) 0x[0-9A-F]+: //' \
      | sort | uniq -c | sort -rn | head -20 | sed 's/^/ct:   /' >&2
  fi
  return "$status"
}

status=0
memcheck gate "$out/gate" || status=$?
if [ "$status" != 0 ]; then
  say "FAIL: memcheck reports a secret-dependent branch or address (full report: $out/gate.log)"
  exit 1
fi
cat "$out/gate.out" >&2

status=0
memcheck negative-control "$out/negative-control" || status=$?
if [ "$status" != 99 ] || ! grep -q 'negative_control' "$out/negative-control.log"; then
  say "FAIL: the negative control's secret branch went unreported: the gate does not bite"
  exit 1
fi
say "ok: no secret-dependent branch or address at RSA-2048 and RSA-4096; the negative control was caught"
