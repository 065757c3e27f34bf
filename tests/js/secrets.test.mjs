// Secrets stay secret: after a key is freed (or a call that touched one
// returns), no piece of its private numbers is left anywhere in wasm memory,
// heap or stack; and no error message or CLI output quotes a private key,
// however the JSON around it is damaged.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { test } from 'node:test';
import * as iamjwt from '../../js/node.mjs';
import { initSync } from '../../pkg/iamjwt.js';
import { fixture, fixturePath, root, secretRuns } from './helpers.mjs';

// The module is already instantiated by the entry: initSync hands back its exports.
const wasm = initSync({ module: new Uint8Array() });
const KEY = fixture('key-2048.json');
const PEM = fixture('keys/rsa2048.pem');

/** A key's private numbers (JWK d, p, q, dp, dq, qi) and its PEM text in 16-byte runs. */
function secretsOf(pem) {
  const jwk = createPrivateKey(pem).export({ format: 'jwk' });
  const numbers = Object.fromEntries(['d', 'p', 'q', 'dp', 'dq', 'qi'].map((k) => [k, Buffer.from(jwk[k], 'base64url')]));
  return { numbers, runs: secretRuns(pem) };
}
const SECRETS = secretsOf(PEM);
const RUNS = SECRETS.runs;

/** Every 16-byte run of each private number, big-endian (DER) and little-endian (limbs), and of the PEM text. */
function leftovers({ numbers, runs } = SECRETS) {
  const memory = Buffer.from(wasm.memory.buffer);
  const found = [];
  for (const [name, be] of Object.entries(numbers)) {
    const le = Buffer.from(be).reverse();
    for (let i = 0; i + 16 <= be.length; i += 8) {
      if (memory.indexOf(be.subarray(i, i + 16)) >= 0) found.push(`${name}[${i}] big-endian`);
      if (memory.indexOf(le.subarray(i, i + 16)) >= 0) found.push(`${name}[${i}] little-endian`);
    }
  }
  for (const run of runs) if (memory.indexOf(run) >= 0) found.push(`PEM text ${run}`);
  return found;
}

test('the scan sees a live key (so an empty scan means something)', () => {
  const key = iamjwt.parseKey(KEY);
  assert.ok(leftovers().length > 20);
  key.free();
});

test('after free, nothing of the private key is left in wasm memory', () => {
  for (const engine of ['wasm', 'native']) {
    const key = iamjwt.parseKey(KEY);
    for (let i = 0; i < 3; i += 1) iamjwt.signJwt(key, { engine });
    key.free();
    assert.deepEqual(leftovers(), [], engine);
  }
});

test('an RSA-4096 key (2048-bit primes, rsa\'s larger buffers) leaves nothing either', () => {
  const json = fixture('key-4096.json');
  const secrets = secretsOf(JSON.parse(json).private_key.replace(/^PLEASE.*\n/, ''));
  const key = iamjwt.parseKey(json);
  assert.ok(leftovers(secrets).length > 20);
  for (let i = 0; i < 3; i += 1) iamjwt.signJwt(key, { engine: 'wasm' });
  key.free();
  assert.deepEqual(leftovers(secrets), []);
  iamjwt.signJwt(json, { engine: 'wasm' });
  assert.deepEqual(leftovers(secrets), []);
});

test('calls that touch a key leave nothing behind when they return', () => {
  const calls = {
    'signJwt(json)': () => iamjwt.signJwt(KEY, { engine: 'wasm' }),
    'checkKey(json)': () => iamjwt.checkKey(KEY),
    'verifyJwt(jwt, json)': () => iamjwt.verifyJwt(iamjwt.signJwt(KEY), KEY),
    'parseKey(a mismatched file) throws': () => assert.throws(() => iamjwt.parseKey(fixture('rejects/public-key-mismatch.json'))),
    'parseKey(a file whose private key is damaged) throws': () => assert.throws(() => iamjwt.parseKey(fixture('rejects/corrupt-flipped-byte.json'))),
  };
  for (const [name, call] of Object.entries(calls)) {
    call();
    assert.deepEqual(leftovers(), [], name);
  }
});

/** The key inside damaged JSON, in many ways. */
function damaged() {
  const obj = JSON.parse(KEY);
  const text = KEY;
  return [
    text.replace('{', ''), text.replace(/}\s*$/, ''), `${text}}`, `[${text}]`, text.replace(/",\n/g, '"\n'),
    text.replace('"private_key"', 'private_key'), text.replace('"private_key": "', '"private_key": '),
    text.replace(/\\n/g, '\n'), text.replace('-----END PRIVATE KEY-----', ''), text.replace('BEGIN PRIVATE', 'BEGIN EC PRIVATE'),
    JSON.stringify({ ...obj, private_key: obj.private_key.slice(0, 900) }),
    JSON.stringify({ ...obj, id: undefined }), JSON.stringify({ ...obj, service_account_id: 7 }),
    JSON.stringify({ access_key: obj, secret: obj.private_key }), JSON.stringify({ api_key: obj, secret: obj.private_key }),
    JSON.stringify({ key: obj, privateKey: obj.private_key, userAccountId: 'x' }),
    obj.private_key, `yaml: ${obj.private_key}`, `${obj.private_key}\n${text}`,
    JSON.stringify({ ...obj, public_key: obj.private_key }), JSON.stringify({ ...obj, private_key: obj.public_key }),
  ];
}

test('no error message quotes the private key, from the API or the CLI', () => {
  let errors = 0;
  for (const text of damaged()) {
    for (const call of [() => iamjwt.parseKey(text), () => iamjwt.signJwt(text), () => iamjwt.verifyJwt('a.b.c', text)]) {
      try {
        call();
      } catch (e) {
        errors += 1;
        for (const run of RUNS) assert.ok(!e.message.includes(run), `message quotes the key: ${e.message}`);
      }
    }
    const report = JSON.stringify(iamjwt.checkKey(text));
    for (const run of RUNS) assert.ok(!report.includes(run), 'a check message quotes the key');
    for (const args of [['jwt', '--key', '-'], ['check', '--key', '-'], ['token', '--key', '-', '--endpoint', 'http://127.0.0.1:9/']]) {
      const r = spawnSync(process.execPath, [`${root}js/cli.mjs`, ...args], { input: text, encoding: 'utf8', timeout: 20_000 });
      for (const run of RUNS) assert.ok(!(r.stderr + r.stdout).includes(run), `CLI ${args[0]} quotes the key: ${r.stderr}`);
    }
  }
  assert.ok(errors > 30);
});

test('the CLI never quotes a secret given where a path or no argument belongs', () => {
  const cli = (args, input) => spawnSync(process.execPath, [`${root}js/cli.mjs`, ...args], {
    input, encoding: 'utf8', timeout: 20_000, env: { ...process.env, IAMJWT_KEY: '', YC_SERVICE_ACCOUNT_KEY_FILE: '' },
  });
  const base64 = Buffer.from(KEY).toString('base64');
  const oauth = 'y0_AgAAAABkZXNlY3JldG9hdXRodG9rZW52YWx1ZWhlcmUxMjM0NTY3ODkw';
  const jwt = iamjwt.signJwt(KEY);
  const secrets = [...RUNS, base64.slice(100, 140), oauth.slice(4, 30), jwt.split('.')[2].slice(0, 30)];
  const quiet = (r, what) => {
    const all = r.stdout + r.stderr;
    for (const s of secrets) assert.ok(!all.includes(s), `${what} quotes a secret: ${r.stderr}`);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${what}: one line: ${r.stderr}`);
  };
  for (const command of ['jwt', 'token', 'check', 'verify']) {
    const extra = command === 'verify' ? ['-'] : [];
    const asJson = cli([command, ...extra, '--key', KEY], jwt);
    quiet(asJson, `${command} --key <JSON>`);
    assert.match(asJson.stderr, /^iamjwt: ERR_INPUT_READ: the --key value is the key's JSON itself, not a path; it is not shown\. Pass it in IAMJWT_KEY or on stdin with --key - instead/);
    const asBase64 = cli([command, ...extra, '--key', base64], jwt);
    quiet(asBase64, `${command} --key <base64>`);
    assert.match(asBase64.stderr, /^iamjwt: ERR_INPUT_READ: the --key value is not a readable file, and looks like base64 or a token, so it is not shown\. Pass a secret in IAMJWT_KEY or on stdin with --key -/);
  }
  // A path is still named, so a typo can be seen.
  const typo = cli(['jwt', '--key', 'keys/my-key.json']);
  assert.match(typo.stderr, /^iamjwt: ERR_INPUT_READ: cannot read --key keys\/my-key\.json: no such file\n$/);
  // Stray arguments are named by position; an unknown command that is no word is not quoted.
  for (const [args, says] of [
    [['token', oauth], /^iamjwt: ERR_USAGE: token takes no arguments, but got another at position 2 \(not shown, as it may be a secret\)/],
    [['jwt', '--key', fixturePath('key-2048.json'), jwt], /position 4/],
    [['decode', jwt, oauth], /^iamjwt: ERR_USAGE: decode takes one argument, but got another at position 3/],
    [[oauth], /^iamjwt: ERR_USAGE: unknown command \(the first argument, not shown\)/],
    [['token', '--oauth-file', '/nonexistent/y0_AgAAAABkZXNlY3JldG9hdXRodG9rZW52YWx1ZWhlcmUxMjM0NTY3ODkw'], /^iamjwt: ERR_INPUT_READ: the --oauth-file value is not a readable file/],
  ]) {
    const r = cli(args);
    quiet(r, args.join(' ').slice(0, 40));
    assert.match(r.stderr, says);
  }
});

test('every secret has a form outside argv: --oauth-file, --oauth -, decode - and verify -', async () => {
  const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { createServer } = await import('node:http');
  const bodies = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ iamToken: 't1.oauth', expiresAt: new Date(Date.now() + 3600_000).toISOString() }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${server.address().port}/iam/v1/tokens`;
  const dir = mkdtempSync(`${tmpdir()}/iamjwt-secrets-`);
  const file = `${dir}/oauth`;
  writeFileSync(file, 'y0_fromfile\n');
  const run = (args, input) => new Promise((resolve) => {
    const child = spawn(process.execPath, [`${root}js/cli.mjs`, ...args], { env: { ...process.env, IAMJWT_KEY: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input ?? '');
  });
  try {
    const viaFile = await run(['token', '--oauth-file', file, '--endpoint', endpoint]);
    assert.equal(viaFile.code, 0, viaFile.err);
    assert.equal(viaFile.out, 't1.oauth\n');
    const viaStdin = await run(['token', '--oauth', '-', '--endpoint', endpoint], 'y0_fromstdin\n');
    assert.equal(viaStdin.code, 0, viaStdin.err);
    assert.deepEqual(bodies, [{ yandexPassportOauthToken: 'y0_fromfile' }, { yandexPassportOauthToken: 'y0_fromstdin' }]);
    const jwt = iamjwt.signJwt(KEY);
    const decoded = await run(['decode', '-'], `${jwt}\n`);
    assert.equal(decoded.code, 0, decoded.err);
    assert.equal(JSON.parse(decoded.out).header.kid, 'ajetestkey2048000001');
    const verified = await run(['verify', '-', '--key', fixturePath('key-2048.json')], jwt);
    assert.equal(verified.code, 0, verified.err);
    assert.match(verified.out, /^valid: PS256/);
    // The help shows secrets only in those forms.
    const help = (await run(['token', '--help'])).out + (await run(['decode', '--help'])).out + (await run(['verify', '--help'])).out;
    assert.ok(!/--oauth TOKEN|--subject-token T\b|--subject-token TOKEN|decode JWT|verify JWT|"\$JWT"|"\$OIDC"/.test(help), help);
    assert.match(help, /--oauth-file FILE/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
