// The CLI, spawned as a user runs it: stdout, stderr, exit codes.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertNoSecret, fixture, fixtureDir, fixturePath, nodeCryptoVerifies, root, secretRuns } from './helpers.mjs';

const NOW = 1_790_000_000;
const KEY = fixturePath('key-2048.json');
const PUBLIC = JSON.parse(fixture('key-2048.json')).public_key;

function iamjwt(args, { input, env } = {}) {
  const r = spawnSync(process.execPath, [`${root}js/cli.mjs`, ...args], {
    input, encoding: 'utf8', env: { ...process.env, IAMJWT_KEY: '', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A failure: exactly one stderr line `iamjwt: CODE: message`, no trace, nothing on stdout. */
function failsWith(r, exitCode, code) {
  assert.equal(r.code, exitCode, r.err);
  assert.equal(r.out, '');
  assert.match(r.err, new RegExp(`^iamjwt: ${code}: \\S.*\\n$`), r.err);
  assert.ok(!/\n\s+at |RuntimeError|unreachable|\.mjs:|\.js:/.test(r.err), `a trace leaked: ${r.err}`);
}

test('jwt prints one verifiable JWT and a newline', () => {
  const r = iamjwt(['jwt', '--key', KEY]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  assert.match(r.out, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  assert.ok(nodeCryptoVerifies(r.out.trim(), PUBLIC));
});

test('jwt --ttl --aud --now set the claims', () => {
  const r = iamjwt(['jwt', '--key', KEY, '--ttl', '600', '--aud', 'http://127.0.0.1:8080/iam/v1/tokens', '--now', String(NOW)]);
  assert.equal(r.code, 0, r.err);
  const payload = JSON.parse(Buffer.from(r.out.split('.')[1], 'base64url'));
  assert.deepEqual(payload, { iss: 'ajetestserviceacc001', aud: 'http://127.0.0.1:8080/iam/v1/tokens', iat: NOW, exp: NOW + 600 });
});

test('the key comes from --key -, or IAMJWT_KEY; --key wins', () => {
  const viaStdin = iamjwt(['jwt', '--key', '-'], { input: fixture('shapes/file-crlf.json') });
  assert.equal(viaStdin.code, 0, viaStdin.err);
  assert.ok(nodeCryptoVerifies(viaStdin.out.trim(), PUBLIC));
  const viaEnv = iamjwt(['jwt'], { env: { IAMJWT_KEY: fixture('shapes/api-keys-create.json') } });
  assert.equal(viaEnv.code, 0, viaEnv.err);
  assert.ok(nodeCryptoVerifies(viaEnv.out.trim(), PUBLIC));
  const both = iamjwt(['jwt', '--key', KEY], { env: { IAMJWT_KEY: 'garbage' } });
  assert.equal(both.code, 0, both.err);
});

test('check prints one line per check and exits 0 or 1', () => {
  const good = iamjwt(['check', '--key', KEY]);
  assert.equal(good.code, 0, good.err);
  const lines = good.out.trimEnd().split('\n');
  assert.equal(lines.length, 9);
  assert.ok(lines.every((l) => l.startsWith('pass  ')), good.out);
  const bad = iamjwt(['check', '--key', fixturePath('rejects/rsa-1024.json')]);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /^FAIL  key_size +the RSA key has 1024 bits/m);
  const json = JSON.parse(iamjwt(['check', '--key', fixturePath('rejects/ec-key.json'), '--json']).out);
  assert.equal(json.ok, false);
  assert.equal(json.checks.find((c) => !c.ok).code, 'ERR_KEY_NOT_RSA');
});

test('decode prints header and payload as JSON, from an argument or stdin', () => {
  const jwt = iamjwt(['jwt', '--key', KEY, '--now', String(NOW)]).out;
  for (const r of [iamjwt(['decode', jwt.trim()]), iamjwt(['decode', '-'], { input: jwt })]) {
    assert.equal(r.code, 0, r.err);
    const { header, payload } = JSON.parse(r.out);
    assert.deepEqual(header, { typ: 'JWT', alg: 'PS256', kid: 'ajetestkey2048000001' });
    assert.deepEqual(Object.keys(header), ['typ', 'alg', 'kid'], 'the JWT\'s own order');
    assert.deepEqual(Object.keys(payload), ['iss', 'aud', 'iat', 'exp']);
    assert.equal(payload.iat, NOW);
  }
  failsWith(iamjwt(['decode', 'not-a-jwt']), 1, 'ERR_JWT_MALFORMED');
});

test('verify exits 0 when valid and 1 saying why when not', () => {
  const jwt = iamjwt(['jwt', '--key', KEY]).out.trim();
  const ok = iamjwt(['verify', jwt, '--key', KEY]);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /^valid: PS256, kid ajetestkey2048000001, iss ajetestserviceacc001, expires in \d+ s\n$/);
  assert.equal(iamjwt(['verify', '-', '--key', fixturePath('public-2048.pem')], { input: jwt }).code, 0);
  failsWith(iamjwt(['verify', jwt, '--key', fixturePath('key-2048-other.json')]), 1, 'ERR_JWT_SIGNATURE');
  failsWith(iamjwt(['verify', jwt, '--key', KEY, '--now', String(NOW * 2)]), 1, 'ERR_JWT_EXPIRED');
  failsWith(iamjwt(['verify', jwt, '--key', KEY, '--aud', 'http://elsewhere']), 1, 'ERR_JWT_CLAIM_INVALID');
});

test('bad keys fail in one line with their code, never quoting the key', () => {
  const manifest = JSON.parse(fixture('rejects.json'));
  const secrets = secretRuns(fixture('keys/rsa2048.pem'));
  for (const [name] of fixtureDir('rejects')) {
    const r = iamjwt(['jwt', '--key', fixturePath(`rejects/${name}`)]);
    failsWith(r, 1, manifest[name]);
    assertNoSecret(r.err, secrets, assert);
  }
  failsWith(iamjwt(['jwt', '--key', '/nonexistent/key.json']), 1, 'ERR_INPUT_READ');
  failsWith(iamjwt(['jwt', '--key', KEY, '--ttl', '7200']), 1, 'ERR_OPTION_INVALID');
});

test('misuse exits 2 with a pointer to --help', () => {
  for (const args of [
    ['frobnicate'], ['jwt', '--bogus'], ['jwt'], ['jwt', '--key', KEY, '--ttl', 'soon'],
    ['decode'], ['decode', 'a', 'b'], ['check', 'extra', '--key', KEY], ['jwt', '--key', '-', '--ttl'],
    ['verify', '-', '--key', '-'],
  ]) {
    const r = iamjwt(args, { input: '' });
    failsWith(r, 2, 'ERR_USAGE');
    assert.match(r.err, /See 'iamjwt .*--help'/);
  }
  // An option without its value names the option, at the end or before the next option.
  for (const [args, option] of [[['jwt', '--key'], '--key'], [['token', '--federation', '--subject-token', 'x'], '--federation']]) {
    const r = iamjwt(args, { input: '' });
    failsWith(r, 2, 'ERR_USAGE');
    assert.match(r.err, new RegExp(`^iamjwt: ERR_USAGE: ${option} needs a value\\. See 'iamjwt \\w+ --help'\n$`));
  }
});

test('--help on every command prints Usage, Options and Examples', () => {
  for (const args of [['--help'], ['jwt', '--help'], ['check', '--help'], ['decode', '--help'], ['verify', '-h'], ['help', 'jwt']]) {
    const r = iamjwt(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.out, /Usage\n[\s\S]*Examples\n/);
  }
  assert.match(iamjwt(['--version']).out, /^\d+\.\d+\.\d+\n$/);
});

test('emulator serves until interrupted, and token gets a token from it', async () => {
  const { spawn } = await import('node:child_process');
  const emu = spawn(process.execPath, [`${root}js/cli.mjs`, 'emulator', '--key', KEY, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  emu.stderr.on('data', (d) => { stderr += d; });
  const tokenUrl = await new Promise((resolve, reject) => {
    emu.stdout.once('data', (d) => resolve(String(d).trim()));
    emu.once('exit', (code) => reject(new Error(`emulator exited ${code}: ${stderr}`)));
  });
  assert.match(tokenUrl, /^http:\/\/127\.0\.0\.1:\d+\/iam\/v1\/tokens$/);
  const { promisify } = await import('node:util');
  const { execFile } = await import('node:child_process');
  const { stdout } = await promisify(execFile)(process.execPath, [`${root}js/cli.mjs`, 'token', '--key', KEY, '--endpoint', tokenUrl]);
  assert.match(stdout, /^t1\.emulated\.[\w-]+\n$/);
  const exited = new Promise((resolve) => emu.once('exit', resolve));
  emu.kill('SIGINT');
  assert.equal(await exited, 0);
  assert.match(stderr, /registered key ajetestkey2048000001 of service account ajetestserviceacc001/);
  assert.match(stderr, /POST \/iam\/v1\/tokens 200/);
});

test('emulator misuse: no key, a bad key', () => {
  failsWith(iamjwt(['emulator']), 2, 'ERR_USAGE');
  failsWith(iamjwt(['emulator', '--key', fixturePath('rejects/not-json.txt'), '--port', '0']), 1, 'ERR_KEY_NOT_JSON');
});

test('an engine without WebAssembly reference types: one line that says what to update, exit 1', () => {
  const r = iamjwt(['jwt', '--key', KEY], { env: { NODE_OPTIONS: '--import=data:text/javascript,WebAssembly.validate=()=>false' } });
  failsWith(r, 1, 'ERR_UNSUPPORTED_PLATFORM');
  assert.match(r.err, /WebAssembly reference types.*Safari 15/);
});

test('stdin from a process that writes late (a non-blocking pipe, empty at first) is waited for; more than 1 MB of it is refused', async () => {
  const jwt = iamjwt(['jwt', '--key', KEY]).out;
  const run = (write) => new Promise((resolve) => {
    const child = spawn(process.execPath, [`${root}js/cli.mjs`, 'decode', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => resolve({ code, out, err }));
    write(child.stdin);
  });
  const late = await run((stdin) => setTimeout(() => stdin.end(jwt), 400));
  assert.equal(late.err, '');
  assert.equal(late.code, 0);
  assert.equal(JSON.parse(late.out).header.alg, 'PS256');
  const huge = await run((stdin) => stdin.end('x'.repeat(1024 * 1024 + 1)));
  assert.equal(huge.code, 1);
  assert.match(huge.err, /^iamjwt: ERR_INPUT_TOO_LARGE: stdin holds more than 1024 KB/);
});

test('a file is read to at most 1 MB: an endless one (/dev/zero) or a large one is refused, a directory named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iamjwt-cli-'));
  try {
    const large = join(dir, 'large.json');
    writeFileSync(large, `{"id":"${'x'.repeat(1024 * 1024)}"}`);
    for (const args of [['jwt', '--key', '/dev/zero'], ['check', '--key', large], ['token', '--oauth-file', '/dev/zero'], ['emulator', '--key', '/dev/zero']]) {
      const r = iamjwt(args);
      failsWith(r, 1, 'ERR_INPUT_TOO_LARGE');
      assert.match(r.err, new RegExp(`cannot read ${args[1]} ${args[2]}: it holds more than 1024 KB`));
    }
    const directory = iamjwt(['jwt', '--key', dir]);
    failsWith(directory, 1, 'ERR_INPUT_READ');
    assert.match(directory.err, /it is a directory/);
    // Just under the limit is read whole, and the core says what is wrong with it.
    writeFileSync(large, `{"id":"${'x'.repeat(1024 * 1024 - 20)}"}`);
    const under = iamjwt(['jwt', '--key', large]);
    failsWith(under, 1, 'ERR_INPUT_TOO_LARGE');
    assert.match(under.err, /the key is larger than 65536 bytes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a reader that closes the pipe early (| head -1) stops the CLI quietly', async () => {
  for (const args of [['check', '--key', KEY], ['decode', '-'], ['--help']]) {
    const child = spawn(process.execPath, [`${root}js/cli.mjs`, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the CLI writes
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdin.end(args[1] === '-' ? iamjwt(['jwt', '--key', KEY]).out : '');
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(err, '', `${args[0]}: nothing on stderr, no EPIPE trace`);
    assert.equal(code, 0, args[0]);
  }
});
