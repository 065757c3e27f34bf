#!/usr/bin/env node
// Builds pkg/: the Rust core for wasm32, wasm-bindgen's `web` glue, and
// wasm-opt from npm's binaryen. (require() loads the ES module entry through
// js/node.cjs; there is no separate CommonJS build.)
// Skips the work when pkg/ is newer than every input.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { WASM_OPT_FEATURES } from './wasm-opt-features.mjs';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args, env = {}) =>
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
const say = (msg) => process.stderr.write(`build: ${msg}\n`);

const stamp = join(root, 'pkg/.built');
function newest(paths) {
  let t = 0;
  for (const p of paths) {
    const full = join(root, p);
    if (!existsSync(full)) continue;
    const s = statSync(full);
    if (s.isDirectory()) t = Math.max(t, newest(readdirSync(full).map((f) => join(p, f))));
    else t = Math.max(t, s.mtimeMs);
  }
  return t;
}
const inputs = ['src', 'js', 'Cargo.toml', 'Cargo.lock', '.cargo', 'scripts/build.mjs', 'scripts/wasm-opt-features.mjs'];
if (!process.argv.includes('--force') && existsSync(stamp) && statSync(stamp).mtimeMs >= newest(inputs)) {
  say('pkg/ is up to date');
  process.exit(0);
}

// Panic locations name source files. Dependencies' paths would carry this
// machine's Cargo home (its user name among them): strip everything up to
// the crate's own directory (`crypto-bigint-0.7.11/src/...`), or at least up
// to the registry's index directory when none is unpacked yet (rustc applies
// the last matching prefix). The flags are added to .cargo/config.toml's,
// not put in their place.
const registry = join(process.env.CARGO_HOME || join(homedir(), '.cargo'), 'registry/src');
const indexes = existsSync(registry) ? readdirSync(registry) : [];
const remaps = [registry, ...indexes.map((index) => join(registry, index))].map((dir) => `--remap-path-prefix=${dir}/=`);
const rustflags = (extra) => `target.wasm32-unknown-unknown.rustflags=${JSON.stringify([...remaps, ...extra])}`;

// Two .wasm files from the one crate: the one users ship (iamjwt), and the
// emulator's (iamjwt_emulator: feature `emulator`, and the cfg that leaves
// out the package's own bindings), which only js/emulator.mjs loads. Each
// has its own target directory, so neither build undoes the other's.
const builds = [
  { name: 'iamjwt', args: ['--features', 'serde-wasm-bindgen'], cfg: [], dir: 'target' },
  // A test tool: smallest, not fastest (crypto-bigint at "z", not the
  // package's 1; wasm-opt -Oz, not -O3).
  {
    name: 'iamjwt_emulator',
    args: ['--features', 'emulator', '--config', 'profile.release.package.crypto-bigint.opt-level="z"'],
    cfg: ['--cfg', 'iamjwt_emulator_wasm'],
    dir: 'target/emulator',
    opt: '-Oz',
  },
];
for (const { name, args, cfg, dir, opt = '-O3' } of builds) {
  say(`cargo build (wasm32, release): ${name}`);
  run('cargo', ['rustc', '--lib', '--release', '--target', 'wasm32-unknown-unknown', '--crate-type', 'cdylib', '--quiet', ...args, '--target-dir', dir, '--config', rustflags(cfg)]);

  say(`wasm-bindgen --target web --out-name ${name}`);
  run('wasm-bindgen', [`${dir}/wasm32-unknown-unknown/release/iamjwt.wasm`, '--target', 'web', '--out-dir', 'pkg', '--out-name', name, '--weak-refs']);

  // wasm-bindgen copies the bindings' Rust doc comments into the glue as
  // JSDoc. The glue is internal (the API and its docs are js/index.d.ts), so
  // the copies go: 4 KB of the package.
  // Its four-space indentation becomes two (no string in it spans lines):
  // 3 KB of the package.
  const glue = join(root, `pkg/${name}.js`);
  const compact = readFileSync(glue, 'utf8')
    .replace(/^[ \t]*\/\*\*[\s\S]*?\*\/\n/gm, '')
    .replace(/^((?: {4})+)/gm, (indent) => ' '.repeat(indent.length / 2));
  // A template literal across lines would open on a line with an odd number of backticks.
  if (compact.split('\n').some((line) => line.split('`').length % 2 === 0)) throw new Error(`build: ${glue} may have a template literal across lines; its indentation cannot be compacted`);
  writeFileSync(glue, compact);

  say(`wasm-opt ${opt} (npm binaryen): pkg/${name}_bg.wasm`);
  run(join(root, 'node_modules/.bin/wasm-opt'), [`pkg/${name}_bg.wasm`, opt, '-o', `pkg/${name}_bg.wasm`, ...WASM_OPT_FEATURES]);
}

// The core's error codes, from its one table (src/error.rs), for
// js/errors.js: what the built .wasm itself says.
say('pkg/error-codes.js');
writeFileSync(join(root, 'pkg/error-codes.js'), '// Written by scripts/build.mjs from the core\'s error table (src/error.rs).\nexport const CORE_ERROR_CODES = Object.freeze([]);\n');
const { initSync, errorCodes } = await import(`${new URL('../pkg/iamjwt.js', import.meta.url).href}?${Date.now()}`);
initSync({ module: readFileSync(join(root, 'pkg/iamjwt_bg.wasm')) });
writeFileSync(join(root, 'pkg/error-codes.js'),
  `// Written by scripts/build.mjs from the core's error table (src/error.rs).\nexport const CORE_ERROR_CODES = Object.freeze(${JSON.stringify(errorCodes(), null, 2)});\n`);

writeFileSync(stamp, new Date().toISOString() + '\n');
say(`done: pkg/iamjwt_bg.wasm ${statSync(join(root, 'pkg/iamjwt_bg.wasm')).size} bytes, pkg/iamjwt_emulator_bg.wasm ${statSync(join(root, 'pkg/iamjwt_emulator_bg.wasm')).size} bytes`);
