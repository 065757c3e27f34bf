// The package as users get it: `npm pack`, installed into a scratch project,
// used through import, require and the bin.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { constants, gzipSync } from 'node:zlib';
import { fixturePath, nodeCryptoVerifies, fixture, root } from './helpers.mjs';

const PUBLIC = JSON.parse(fixture('key-2048.json')).public_key;
let scratch;
let files;
let unpackedSize;
let dependencies;

const npm = (args, cwd) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
const node = (args, cwd) => execFileSync(process.execPath, args, { cwd, encoding: 'utf8' });

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'iamjwt-pack-'));
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', scratch], root));
  files = packed.files.map((f) => f.path);
  unpackedSize = packed.unpackedSize;
  dependencies = Object.keys(JSON.parse(readFileSync(`${root}package.json`, 'utf8')).dependencies ?? {});
  const app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  npm(['install', '--offline', join(scratch, packed.filename)], app);
});

after(() => rmSync(scratch, { recursive: true, force: true }));

test('the tarball holds the built package and nothing else', () => {
  for (const f of ['package.json', 'pkg/iamjwt_bg.wasm', 'pkg/iamjwt.js', 'js/node.mjs', 'js/node.cjs', 'js/node.d.cts', 'js/browser.mjs', 'js/cli.mjs', 'js/index.d.ts']) {
    assert.ok(files.includes(f), `${f} is packed`);
  }
  assert.ok(!files.some((f) => /^(src|tests|target|node_modules)\//.test(f)), files.join(', '));
  assert.deepEqual(files.filter((f) => f.endsWith('.wasm')).sort(), ['pkg/iamjwt_bg.wasm', 'pkg/iamjwt_emulator_bg.wasm'], 'the .wasm users ship, and the emulator\'s');
});

/** The names a .wasm exports. */
const exportsOf = (path) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(path))).map((e) => e.name);

test('the .wasm users ship carries no emulator code; the emulator\'s own .wasm does', () => {
  const shipped = exportsOf(`${root}pkg/iamjwt_bg.wasm`);
  const emulator = exportsOf(`${root}pkg/iamjwt_emulator_bg.wasm`);
  assert.ok(shipped.some((name) => name.startsWith('tokenflow_')), 'the scan sees the token flows');
  assert.deepEqual(shipped.filter((name) => /emulator/i.test(name)), []);
  assert.ok(emulator.some((name) => name.startsWith('emulatorcore_answer')));
});

test('a bundle of import \'iamjwt\' never includes the emulator, for Node or a browser', () => {
  const app = join(scratch, 'app');
  writeFileSync(join(app, 'entry.mjs'), "import * as iamjwt from 'iamjwt';\nconsole.log(Object.keys(iamjwt).length);\n");
  for (const platform of ['node', 'browser']) {
    const out = join(app, `bundle-${platform}.mjs`);
    execFileSync(`${root}node_modules/.bin/esbuild`, ['entry.mjs', '--bundle', `--platform=${platform}`, '--format=esm', `--outfile=${out}`, '--log-level=error', '--loader:.wasm=file'], { cwd: app });
    const text = readFileSync(out, 'utf8');
    assert.ok(text.includes('signJwt'), `${platform}: the bundle has the API`);
    assert.ok(!/iamjwt_emulator|EmulatorCore|emulatorcore/i.test(text), `${platform}: the bundle names the emulator`);
  }
});

test('iamjwt/ydb without either YDB SDK installed fails at import, in one line naming what to add', () => {
  const out = node(['--input-type=module', '-e', `
    import('iamjwt/ydb').then(() => console.log('loaded'), (e) => console.log(e.code + ': ' + e.message));`], join(scratch, 'app'));
  assert.equal(out, 'ERR_DEPENDENCY_MISSING: iamjwt/ydb adapts the YDB SDKs, and neither is installed: npm install @ydbjs/auth (the current SDK) or ydb-sdk (version 5)\n');
});

test('npx iamjwt emulator works from the installed tarball', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(join(scratch, 'app/node_modules/.bin/iamjwt'), ['emulator', '--key', fixturePath('key-2048.json'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const tokenUrl = await new Promise((resolve, reject) => {
      child.stdout.once('data', (d) => resolve(String(d).trim()));
      child.once('exit', (code) => reject(new Error(`the emulator exited ${code}`)));
    });
    const base = tokenUrl.replace(/\/iam\/v1\/tokens$/, '');
    const res = await fetch(`${base}/computeMetadata/v1/instance/service-accounts/default/token`, { headers: { 'metadata-flavor': 'Google' } });
    assert.equal(res.status, 200);
    assert.match((await res.json()).access_token, /^t1\.emulated\./);
  } finally {
    child.kill('SIGINT');
  }
});

// The size budget of the .wasm users ship, the design's 140 KB gzip -9. A size is
// deterministic for a given toolchain and Cargo.lock, so it is a test;
// timings are not (npm run bench).
const WASM_BUDGET_GZIP = 140_000;

test(`the .wasm is at most ${WASM_BUDGET_GZIP / 1000} KB gzip -9`, () => {
  const wasm = readFileSync(`${root}pkg/iamjwt_bg.wasm`);
  const gzip = gzipSync(wasm, { level: constants.Z_BEST_COMPRESSION }).length;
  assert.ok(gzip <= WASM_BUDGET_GZIP, `pkg/iamjwt_bg.wasm: ${wasm.length} bytes, ${gzip} gzip -9: over the budget`);
});

// The WebAssembly features the .wasm may use: those of Chrome and Edge 96,
// Firefox 79 and Safari 15 (js/platform.js, the README). binaryen validates
// it with only these enabled, after dropping the features section the
// build wrote (which would enable its own list).
const WASM_FEATURES = [
  'mutable-globals', 'nontrapping-float-to-int', 'bulk-memory', 'bulk-memory-opt', 'sign-ext',
  'reference-types', 'call-indirect-overlong', 'multivalue',
];

function validatesWith(features) {
  const wasmOpt = `${root}node_modules/binaryen/bin/wasm-opt`;
  const stripped = join(scratch, 'no-features.wasm');
  execFileSync(wasmOpt, [`${root}pkg/iamjwt_bg.wasm`, '--strip-target-features', '-o', stripped]);
  return spawnSync(wasmOpt, [stripped, '--mvp-features', ...features.map((f) => `--enable-${f}`), '-o', join(scratch, 'checked.wasm')], { encoding: 'utf8' });
}

test('the .wasm needs no WebAssembly feature beyond Safari 15\'s (no SIMD, no threads)', () => {
  const allowed = validatesWith(WASM_FEATURES);
  assert.equal(allowed.status, 0, allowed.stderr.slice(0, 500));
  // The validator does check: without reference types and bulk memory it fails.
  assert.notEqual(validatesWith(['mutable-globals', 'sign-ext']).status, 0);
});

// The two .wasm files are most of it.
const TARBALL_BUDGET_UNPACKED = 700_000;

test(`the tarball unpacks to at most ${TARBALL_BUDGET_UNPACKED / 1000} KB, with no runtime dependency`, () => {
  assert.ok(unpackedSize <= TARBALL_BUDGET_UNPACKED, `${unpackedSize} bytes unpacked: over the budget`);
  assert.deepEqual(dependencies, []);
});

test('import works in the installed package', () => {
  const out = node(['--input-type=module', '-e', `
    import { signJwt, parseKey } from 'iamjwt';
    import { readFileSync } from 'node:fs';
    const key = parseKey(readFileSync(${JSON.stringify(fixturePath('key-2048.json'))}, 'utf8'));
    process.stdout.write(signJwt(key));`], join(scratch, 'app'));
  assert.ok(nodeCryptoVerifies(out, PUBLIC));
});

test('require works in the installed package, without a warning', () => {
  const r = spawnSync(process.execPath, ['-e', `
    const { signJwt, IamJwtError } = require('iamjwt');
    try { signJwt('{}'); } catch (e) { if (!(e instanceof IamJwtError) || e.code !== 'ERR_KEY_FIELD_MISSING') throw e; }
    process.stdout.write(signJwt(require(${JSON.stringify(fixturePath('key-2048.json'))})));`], { cwd: join(scratch, 'app'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'nothing on stderr (no ExperimentalWarning for require() of the ES module)');
  assert.ok(nodeCryptoVerifies(r.stdout, PUBLIC));
});

test('the bin works in the installed package', () => {
  const out = execFileSync(join(scratch, 'app/node_modules/.bin/iamjwt'), ['jwt', '--key', fixturePath('key-2048.json')], { encoding: 'utf8' });
  assert.ok(nodeCryptoVerifies(out.trim(), PUBLIC));
});
