#!/usr/bin/env bash
# The constant-time gate (npm run ct; run by npm test). ct/ decodes the
# base64 body of an RSA-2048 and an RSA-4096 key, builds each key from
# its DER and exports it as PKCS#8, and signs one PS256 JWT with each,
# under valgrind memcheck, with the keys' secrets (in the text, in the DER,
# in the parsed key) and the blinding randomness marked undefined (ct/src).
# It runs twice: at this machine's 64-bit words, and at the 32-bit words
# the .wasm is built with, both at the release profile's opt-levels, and
# each time in two processes, one that builds the keys and one that signs
# (memcheck counts a report into the first one with the same innermost four
# frames, so each phase's entries count only that phase's reports).
#
# It fails on any report outside ct/valgrind.supp, and on any entry there
# that absorbs another number of reports than ct/valgrind.counts holds.
# Then three negative controls, builds with one branch on a bit of d, of
# dP, and on a blinding byte, must each fail it, naming that branch: so the
# gate is known to bite.
#
#   bash scripts/ct.sh               # the gate
#   bash scripts/ct.sh --regenerate  # rewrite ct/valgrind.supp and
#                                    # ct/valgrind.counts from this build
#                                    # (after a crate update; review the diff)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'ct: %s\n' "$*" >&2; }

bash scripts/apt-install.sh valgrind

out=target/ct-gate
mkdir -p "$out"
cargo build --quiet --profile ct -p iamjwt-ct
cp target/ct/iamjwt-ct "$out/gate-64"
RUSTFLAGS='--cfg cpubits="32"' cargo build --quiet --profile ct -p iamjwt-ct --target-dir target/ct32
cp target/ct32/ct/iamjwt-ct "$out/gate-32"

VALGRIND=(valgrind --tool=memcheck --num-callers=40)

if [ "${1:-}" = "--regenerate" ]; then
  # memcheck prints one report per context of its top four frames, so a
  # chain that shares them with one already seen is printed only once the
  # first is suppressed: suppress what was seen, run again, until nothing new.
  logs=()
  : > ct/valgrind.supp
  for round in 1 2 3 4 5 6; do
    found=0
    for words in 64 32; do
      for phase in build sign; do
        log="$out/raw-$words-$phase-$round.log"
        "${VALGRIND[@]}" --gen-suppressions=all --suppressions=ct/valgrind.supp --log-file="$log" "$out/gate-$words" "$phase" >/dev/null
        if ! grep -q 'ERROR SUMMARY: 0 errors' "$log"; then found=1; logs+=("$log"); fi
      done
    done
    [ "$found" = 0 ] && break
    node ct/suppressions.mjs write "${logs[@]}"
  done
  [ "$found" = 0 ] || { say "FAIL: reports kept coming after 6 rounds"; exit 1; }
  for words in 64 32; do
    for phase in build sign; do
      "${VALGRIND[@]}" -v --suppressions=ct/valgrind.supp --log-file="$out/counts-$words-$phase.log" "$out/gate-$words" "$phase" >/dev/null
    done
  done
  node ct/suppressions.mjs counts "64=$out/counts-64-build.log" "64=$out/counts-64-sign.log" "32=$out/counts-32-build.log" "32=$out/counts-32-sign.log"
  say "ok: review git diff ct/valgrind.supp ct/valgrind.counts"
  exit 0
fi

# memcheck with the suppressions, verbose for their counts; prints what it
# found, grouped by the innermost frame, and returns its exit code (99 when
# it reported errors).
memcheck() {
  local binary=$1 phase=$2
  local name="$binary-$phase"
  local status=0
  "${VALGRIND[@]}" -v --error-exitcode=99 --suppressions=ct/valgrind.supp \
    --log-file="$out/$name.log" "$out/$binary" "$phase" >"$out/$name.out" || status=$?
  grep -h 'ERROR SUMMARY' "$out/$name.log" | tail -1 | sed "s/^==[0-9]*== /ct: $name: /" >&2
  if [ "$status" != 0 ]; then
    grep -A1 -E '^==[0-9]+== (Conditional jump|Use of uninitialised|Syscall param)' "$out/$name.log" \
      | grep -oE 'at 0x[0-9A-F]+: .*' | sed -E 's/^at 0x[0-9A-F]+: //' \
      | sort | uniq -c | sort -rn | head -20 | sed 's/^/ct:   /' >&2
  fi
  return "$status"
}

for words in 64 32; do
  for phase in build sign; do
    status=0
    memcheck "gate-$words" "$phase" || status=$?
    if [ "$status" != 0 ]; then
      say "FAIL ($words-bit words, $phase): memcheck reports a branch or an address that depends on a secret (full report: $out/gate-$words-$phase.log)"
      exit 1
    fi
    sed "s/^/ct: $words-bit words: /" "$out/gate-$words-$phase.out" >&2
  done
  node ct/suppressions.mjs check "$words" "$out/gate-$words-build.log" "$out/gate-$words-sign.log"
done

for control in d dp blinding; do
  cargo build --quiet --profile ct -p iamjwt-ct --features "negative-control-$control"
  cp target/ct/iamjwt-ct "$out/negative-control-$control"
  status=0
  memcheck "negative-control-$control" sign || status=$?
  if [ "$status" != 99 ] || ! grep -q "negative_control_$control" "$out/negative-control-$control-sign.log"; then
    say "FAIL: the negative control's branch on $control went unreported: the gate does not bite"
    exit 1
  fi
done
say "ok: nothing depends on a secret in decoding, building, exporting and signing with RSA-2048 and RSA-4096 keys, with 64- and 32-bit words, beyond what ct/valgrind.supp explains, each entry at its count; the three negative controls were caught"
