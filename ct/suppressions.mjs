#!/usr/bin/env node
// The constant-time gate's suppressions and their counts (scripts/ct.sh).
//
//   node ct/suppressions.mjs write RAW.log...      # ct/valgrind.supp from unsuppressed runs
//   node ct/suppressions.mjs counts 64=V.log... 32=V.log...   # ct/valgrind.counts from suppressed -v runs
//   node ct/suppressions.mjs check WORDS V.log...  # the counts of one gate run against the table
//
// `write` reads memcheck logs of the gate run without suppressions
// (--num-callers=40 --gen-suppressions=all), takes each report's call
// chain from its innermost frame up to the first frame in iamjwt (or the
// harness's main), and writes one suppression per distinct chain: the
// report's source file and line, then each caller by its exact name.
// Nothing else matches it, and a new version of a crate that moves a line
// fails the gate until the chain is looked at again. Each chain must fall under one of the RULES below, which say why
// the value it branches on is public; a report that fits none is printed
// and nothing is written.
//
// `check` fails when the number of reports any entry absorbs differs from
// ct/valgrind.counts: a suppression that starts absorbing more (a new
// secret-dependent branch on the same line, a loop that now runs per
// secret bit) is as much a failure as a new report.
import { readFileSync, writeFileSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const SUPP = new URL('valgrind.supp', here);
const COUNTS = new URL('valgrind.counts', here);

// Why each class of report depends on nothing secret. `inner` matches the
// innermost frame's function; `through` must match some frame of the
// chain. The first rule that fits a chain takes it. `varies`: the count
// depends on the random numbers drawn, and is checked as a range.
const RULES = [
  {
    name: 'base64ct: the text is valid base64',
    through: /decode_base64/,
    inner: /base64ct|decode<base64ct|UnknownInlinedFun/,
    why: `base64ct decodes every character of the key's base64 without a branch or a table
lookup, ORs an error flag as it goes, and branches once on that flag at the end,
and once on whether the last block re-encodes to the same characters. Both say
only whether the text is valid base64, which the caller learns anyway: the key
is accepted or refused.`,
  },
  {
    name: 'key construction: rsa\'s checks of the key',
    through: /validate_private_key_parts|from_components_inner/,
    inner: /validate_private_key_parts|from_components_inner|CtOption|ct_option|div_rem|bounded_sh|select_u32|expect|::div::|\{closure/,
    why: `PrivateKey::from_components checks the key and branches on each result: each
prime at most half the modulus's bits and odd, their product n, then (validate)
d < n, the primes above 1 and distinct, and d·e ≡ 1 modulo each p−1, whose
division sets itself up on the bit length of p−1 within its public storage
width (as the signer's does). Each comparison is crypto-bigint's constant-time
one; only its result branches, and it says whether the key is valid, which the
caller learns anyway (ERR_KEY_CORRUPT or a key). The bit length of p−1 is that
of p, half the modulus's size.`,
  },
  {
    name: 'key construction: rsa\'s CRT values',
    through: /precompute/,
    inner: /CtOption|ct_option|div_rem|bounded_sh|select_u32|expect|BoxedMontyParams|::div::|into_option/,
    why: `rsa's precompute computes dP = d mod (p−1), dQ = d mod (q−1) and
qInv = q⁻¹ mod p, and the primes' Montgomery parameters. The divisions branch
only on their set-up, the divisor's bit length within its public storage width
(the bit length of p or q, or one less), and the inversion's CtOption on whether
q is invertible modulo p, which for a valid key it always is (an invalid one is
refused, and the caller learns that anyway).`,
  },
  {
    name: 'key check: its two verdicts, each made public once',
    through: /^iamjwt::key::der::CheckedDer::(check|own_der)$/,
    inner: /^iamjwt::key::der::CheckedDer::(check|own_der)$/,
    why: `The crate's own check of a key's numbers (key::der::CheckedDer::check, before
rsa builds the key, and all a platform signer needs) computes every comparison
with crypto-bigint's constant-time operations and ANDs them into two Choices,
each branched on once: whether the numbers form a valid RSA key (the key is
refused or taken, which the caller learns anyway), and whether the file's CRT
values are those of its p, q and d (own_der: the file's DER is handed to the
platform as it is, or rsa's encoding of the key is). Neither tells which
comparison failed, nor anything of the digits.`,
  },
  {
    name: 'key check: the division set-up',
    through: /check_numbers/,
    inner: /div_rem|bounded_sh|select_u32|expect|::div::/,
    why: `The check computes d mod (p−1), (d mod (p−1))·e mod (p−1), the same for q, and
qInv·q mod p. crypto-bigint's division sets itself up on the divisor's bit
length within its public storage width (it checks that the divisor and its top
word are not zero, and shifts it by its leading-zero count), as rsa's own
validation and precomputation do: the bit length of p or q, or one less, half
the modulus's size. The digits do not branch.`,
  },
  {
    name: 'key construction: the DER integers\' lengths (decoding)',
    through: /CheckedDer::check|CheckedDer::build|pkcs1_of_pkcs8|pkcs1_of_bare_der|private_key_from_der/,
    inner: /./,
    why: `The der crate reads each private integer of the RSAPrivateKey: it strips the one
leading zero byte DER puts before a number whose top bit is set, checks that no
other leading zero is there, copies the rest, and sums lengths. Each branch is
on the integer's byte length and its top bit, which the DER's own length octets
(public here, and as they are in the user's file) already state: for a
2048-bit key, 128 or 129 bytes for d, 64 or 65 for each prime.`,
  },
  {
    name: 'key construction: the DER integers\' lengths (PKCS#8 export)',
    through: /authorized\.rs|to_pkcs8_der/,
    inner: /./,
    why: `to_pkcs8_der, what the platform engines import, encodes each integer as DER:
its encoded length (with the zero byte before a number whose top bit is set)
sets the length octets, the buffer's size and what is written, copied, wiped
and freed. These branch on the same lengths the key's own DER states: its
integers' byte lengths and top bits, never the digits.`,
  },
  {
    name: 'signing: rejection sampling of the blinding factor r below n',
    through: /blind/,
    inner: /random_mod_vartime|try_random_mod_vartime/,
    varies: true,
    why: `crypto-bigint draws a candidate for the base-blinding factor r and draws again
while it is not below n: the branch shows only that a discarded candidate was
>= n. The r kept is uniform below n and independent of it, and no key material
is involved. How many draws it takes is random: the count is checked as a range.`,
  },
  {
    name: 'signing: r invertible modulo n',
    through: /blind</,
    inner: /CtOption|ct_option|into|UnknownInlinedFun/,
    why: `rsa's blind keeps r only if it is invertible modulo n. An r that is not would
share a factor with n; for a uniform r below an RSA-2048 n that has probability
about 2^-1023, so the branch is never taken, and taking it would reveal nothing
the rejected r did not already hold.`,
  },
  {
    name: 'signing: the blinded modulus p·g is odd',
    through: /blind_modulus|blinding\.rs/,
    inner: /into_option|ct_option|CtOption/,
    why: `rsa's blind_modulus checks that p·g is odd (p odd, g = 2s + 1 odd): always true,
whatever the secrets are.`,
  },
  {
    name: 'signing: the blinded modulus\'s division set-up',
    through: /pow_mod_blinded|blinding\.rs/,
    inner: /div_rem|bounded_sh|select_u32|expect|::div::/,
    why: `Montgomery parameters for the blinded modulus p·g (g a fresh random 129-bit odd
factor, one per signature and prime): crypto-bigint's division computes R mod p·g
and R² mod p·g, and sets itself up on the divisor's bit length: it checks that
the divisor and its top word are not zero, and shifts it by its leading-zero
count within its public storage width. Only that length branches, not the
digits: the bit length of p plus that of g, or one less, about one bit per
signature that depends on the leading bits of p and of a fresh g, never on d.`,
  },
  {
    name: 'signing: R mod m equals m',
    through: /pow_mod_blinded|blinding\.rs/,
    inner: /BoxedMontyParams/,
    why: `BoxedMontyParams::new computes one = ((R − 1) mod m) + 1 and sets it to 0 when
it equals m, that is when m divides R = 2^k, which an odd m > 1 never does: the
branch is never taken.`,
  },
  {
    name: 'signing: the result check s^e == c',
    through: /sign_pss_with_salt_digest/,
    inner: /rsa_decrypt_and_check/,
    why: `rsa's final check, s^e == c, before the signature leaves: both sides are public
(c is the EMSA-PSS encoding, s the signature it returns).`,
  },
];

/**
 * Each report of a memcheck log run with --gen-suppressions=all: its kind
 * and its frames, innermost first, each with the function as the report
 * names it, the name suppressions match (mangled for a function that is
 * not inlined), and its source file and line.
 */
function reports(log) {
  const out = [];
  const lines = log.split('\n').map((l) => l.replace(/^==\d+==\s?/, ''));
  for (let i = 0; i < lines.length; i += 1) {
    const kind = /^(Conditional jump|Use of uninitialised value of size (\d+)|Syscall param)/.exec(lines[i]);
    if (!kind) continue;
    const frames = [];
    let j = i + 1;
    for (; j < lines.length && /^\s*(?:at|by) /.test(lines[j]); j += 1) {
      const f = /^\s*(?:at|by) 0x[0-9A-F]+: (.*) \(([^()]*?):(\d+)\)$/.exec(lines[j]);
      frames.push(f ? { fun: f[1], file: f[2], line: f[3] } : { fun: lines[j].trim(), file: '?', line: '0' });
    }
    // The generated suppression that follows: the names to match, frame by frame.
    while (j < lines.length && lines[j] !== '{') j += 1;
    const names = [];
    for (j += 3; j < lines.length && lines[j] !== '}'; j += 1) names.push(lines[j].trim());
    if (names.length !== frames.length) throw new Error(`ct: a report's suppression has ${names.length} frames, its stack ${frames.length}: run memcheck with --gen-suppressions=all --num-callers=40`);
    frames.forEach((f, k) => { f.match = names[k]; });
    const type = kind[1] === 'Conditional jump' ? 'Cond' : kind[2] ? `Value${kind[2]}` : 'Param';
    out.push({ type, frames });
    i = j;
  }
  return out;
}

/** The chain that names a report: up to the first iamjwt frame (or main), at most 24 frames. */
function chainOf(frames) {
  const end = frames.findIndex((f) => /^iamjwt::|^iamjwt_ct::main/.test(f.fun));
  return frames.slice(0, end < 0 ? frames.length : end + 1).slice(0, 24);
}

const basename = (file) => file.split('/').pop();
/** A frame as a suppression names it: by its symbol, a mangled one's hash left open. */
const named = (f) => f.match.replace(/17h[0-9a-f]{16}E$/, '17h*E');
/** The report's own frame: its source line, or (in a library without one) its name. */
const own = (f) => (f.file === '?' ? named(f) : `src:*${basename(f.file)}:${f.line}`);
const key = (type, chain) => `${type}|${own(chain[0])}|${chain.slice(1).map(named).join('<')}`;

function classify(chain) {
  return RULES.find((r) => r.inner.test(chain[0].fun) && chain.some((f) => r.through.test(f.fun) || r.through.test(f.file)));
}

function write(logs) {
  const entries = new Map();
  const unexplained = [];
  for (const log of logs) {
    for (const { type, frames } of reports(readFileSync(log, 'utf8'))) {
      const chain = chainOf(frames);
      const k = key(type, chain);
      if (entries.has(k)) continue;
      const rule = classify(chain);
      if (!rule) {
        unexplained.push(`${type}: ${chain.map((f) => `${f.fun.slice(0, 60)} (${f.file}:${f.line})`).join('\n    <- ')}`);
        continue;
      }
      entries.set(k, { type, chain, rule });
    }
  }
  if (unexplained.length) {
    process.stderr.write(`ct: ${unexplained.length} report(s) no rule explains; nothing written:\n  ${unexplained.join('\n  ')}\n`);
    process.exit(1);
  }
  const out = [
    '# The constant-time gate\'s suppressions: written by `node ct/suppressions.mjs write`',
    '# from the gate\'s unsuppressed runs (scripts/ct.sh says how), never by hand.',
    '# Each entry names one call chain exactly: the report\'s source file and line,',
    '# then every caller by name up to the first frame in iamjwt; each class says why',
    '# what it branches on is public (the RULES in ct/suppressions.mjs). How many',
    '# reports each entry absorbs is held by ct/valgrind.counts.',
    '',
  ];
  for (const rule of RULES) {
    const mine = [...entries.values()].filter((e) => e.rule === rule);
    if (!mine.length) continue;
    out.push(`# ${rule.name}.`, ...rule.why.split('\n').map((l) => `# ${l}`));
    mine.forEach((e, i) => {
      const where = e.chain[0];
      const at = where.file === '?' ? named(where).replace(/^fun:/, '') : `${basename(where.file)}:${where.line}`;
      out.push('{', `   ${rule.name} #${i + 1}: ${at}`, `   Memcheck:${e.type}`);
      // The report's own line, then each caller by name (memcheck matches
      // an inlined caller by its name, not by the line it was inlined at).
      const [first, ...callers] = e.chain;
      out.push(`   ${own(first)}`);
      for (const f of callers) out.push(`   ${named(f)}`);
      out.push('}');
    });
    out.push('');
  }
  writeFileSync(SUPP, out.join('\n'));
  process.stderr.write(`ct: wrote ${entries.size} suppressions in ${new Set([...entries.values()].map((e) => e.rule)).size} classes to ct/valgrind.supp\n`);
}

/** `used_suppression` counts of a -v log: name → count. */
function used(log) {
  const counts = new Map();
  for (const m of readFileSync(log, 'utf8').matchAll(/used_suppression:\s+(\d+) (.*?) ct\/valgrind\.supp:\d+/g)) {
    counts.set(m[2], (counts.get(m[2]) ?? 0) + Number(m[1]));
  }
  return counts;
}

const ruleOf = (name) => RULES.find((r) => name.startsWith(`${r.name} #`));

function counts(pairs) {
  const table = new Map();
  for (const pair of pairs) {
    const [words, log] = pair.split('=');
    for (const [name, n] of used(log)) {
      const row = table.get(name) ?? {};
      row[words] = (row[words] ?? 0) + n;
      table.set(name, row);
    }
  }
  const lines = ['# How many reports each suppression absorbs in one gate run, per word size', '# (node ct/suppressions.mjs counts). A range is for counts that depend on the', '# random numbers drawn (rejection sampling): from one per signature up.', 'name\t64\t32'];
  const cell = (name, n) => (n === undefined ? '0' : ruleOf(name)?.varies ? `2-${2 + 40}` : String(n));
  for (const [name, row] of [...table].sort()) lines.push(`${name}\t${cell(name, row[64])}\t${cell(name, row[32])}`);
  writeFileSync(COUNTS, `${lines.join('\n')}\n`);
  process.stderr.write(`ct: wrote ${table.size} counts to ct/valgrind.counts\n`);
}

function check(words, logs) {
  const want = new Map();
  for (const line of readFileSync(COUNTS, 'utf8').split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('name\t')) continue;
    const [name, c64, c32] = line.split('\t');
    want.set(name, words === '64' ? c64 : c32);
  }
  const got = new Map();
  for (const log of logs) for (const [name, n] of used(log)) got.set(name, (got.get(name) ?? 0) + n);
  const problems = [];
  for (const name of new Set([...want.keys(), ...got.keys()])) {
    const n = got.get(name) ?? 0;
    const expected = want.get(name) ?? '0';
    const [lo, hi] = expected.includes('-') ? expected.split('-').map(Number) : [Number(expected), Number(expected)];
    if (n < lo || n > hi) problems.push(`${name}: ${n} reports, the table says ${expected}`);
  }
  if (problems.length) {
    process.stderr.write(`ct: FAIL (${words}-bit words): suppressions absorb other numbers of reports than ct/valgrind.counts holds:\n  ${problems.join('\n  ')}\n`);
    process.exit(1);
  }
  process.stderr.write(`ct: ${words}-bit words: every suppression absorbed the reports ct/valgrind.counts holds (${got.size} entries)\n`);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'write') write(args);
else if (command === 'counts') counts(args);
else if (command === 'check') check(args[0], args.slice(1));
else {
  process.stderr.write('usage: node ct/suppressions.mjs write RAW.log... | counts 64=V.log... 32=V.log... | check WORDS V.log...\n');
  process.exit(2);
}
