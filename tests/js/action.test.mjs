// The GitHub Action run as the runner runs it: `node js/action.mjs` with the
// inputs as INPUT_* variables, the GITHUB_OUTPUT file, and what it prints
// read as workflow commands. A fake IAM, and the emulator's federation with
// a fake GitHub OIDC token service, stand in for the cloud.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createPublicKey, sign } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../../js/emulator.mjs';
import { fakeServer, fixture, root, secretRuns } from './helpers.mjs';

const KEY = fixture('key-2048.json');
const SA = 'ajetestserviceacc001';
const ISSUER_PEM = fixture('keys/other2048.pem');
const RUNS = secretRuns(fixture('keys/rsa2048.pem'));
let scratch;
let iam;
/** The expiry the fake IAM gave last: within the 12 hours a token counts for. */
let expiresAt;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'iamjwt-action-'));
  iam = await fakeServer(({ body }) => {
    const { jwt } = JSON.parse(body);
    const [, payload] = jwt.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url'));
    expiresAt = new Date(Math.floor(Date.now() / 1000 + 3600) * 1000).toISOString();
    return claims.iss === SA
      ? [200, { iamToken: 't1.action-token', expiresAt }]
      : [401, { code: 16, message: 'unknown service account', details: [{ requestId: 'r-1' }] }];
  });
});
after(async () => {
  await iam?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs the Action with `inputs` (by their action.yml names) and `env`; resolves to its outputs and log. */
function runAction(inputs, env = {}) {
  const output = join(scratch, `output-${Math.random().toString(36).slice(2)}`);
  writeFileSync(output, '');
  const inputEnv = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('INPUT_') && !name.startsWith('ACTIONS_') && name !== 'GITHUB_ACTIONS'));
  return new Promise((resolve) => {
    execFile(process.execPath, [`${root}js/action.mjs`], {
      env: { ...clean, 'INPUT_MASK-TOKEN': 'true', GITHUB_OUTPUT: output, GITHUB_REPOSITORY_OWNER: 'octo-org', ...inputEnv, ...env },
      encoding: 'utf8',
    }, (error, stdout, stderr) => {
      resolve({ code: error?.code ?? 0, stdout, stderr, output: readFileSync(output, 'utf8') });
    });
  });
}

/** The outputs written, by name (both forms the runner reads). */
function outputs(text) {
  const out = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const heredoc = /^([\w-]+)<<(\S+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      const [name, ...rest] = lines[i].split('=');
      out[name] = rest.join('=');
    }
  }
  return out;
}

/** The values masked, as the runner reads the ::add-mask:: commands (their data unescaped). */
const masks = (stdout) => stdout.split('\n').filter((l) => l.startsWith('::add-mask::'))
  .map((l) => l.slice('::add-mask::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));

/** A failure: one ::error:: line naming what is wrong, no stack, nothing secret, no output written. */
function failed(r, pattern) {
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error::'));
  assert.equal(errors.length, 1, r.stdout);
  assert.match(errors[0], pattern);
  assert.equal(r.stderr, '', 'nothing on stderr (no stack)');
  assert.ok(!/\n\s+at |\.mjs:\d/.test(r.stdout), r.stdout);
  assert.equal(r.output, '', 'no output written');
  const shown = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
  for (const run of RUNS) assert.ok(!shown.includes(run), `a secret is shown: ${shown}`);
}

describe('the GitHub Action, as the runner runs it', () => {
  test('yc-sa-json-credentials, as JSON and as base64: the token and its expiry, masked before anything is written', async () => {
    for (const credentials of [KEY, Buffer.from(KEY).toString('base64')]) {
      const r = await runAction({ 'yc-sa-json-credentials': credentials, endpoint: iam.url });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(outputs(r.output), { token: 't1.action-token', 'expires-at': expiresAt });
      const masked = masks(r.stdout);
      assert.ok(masked.includes('t1.action-token'), 'the token is masked');
      assert.ok(masked.includes(credentials.trim()), 'the credentials are masked');
      // Every line of the key is masked, as the runner masks line by line.
      const pemLine = JSON.parse(KEY).private_key.split('\n')[3];
      if (credentials === KEY) assert.ok(masked.some((m) => m.includes(pemLine)), 'each line of the key');
      const shown = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
      assert.ok(!shown.includes('t1.action-token'), shown);
      for (const run of RUNS) assert.ok(!shown.includes(run));
      assert.ok(shown.includes(`got an IAM token that expires at ${expiresAt}`), shown);
    }
  });

  test('yc-key-id + yc-service-account-id + yc-private-key', async () => {
    const key = JSON.parse(KEY);
    const r = await runAction({
      'yc-key-id': key.id, 'yc-service-account-id': key.service_account_id, 'yc-private-key': key.private_key, endpoint: iam.url,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(outputs(r.output).token, 't1.action-token');
    assert.ok(masks(r.stdout).includes(key.private_key.trim()));
    // mask-token: false leaves the token unmasked (the key stays masked).
    const unmasked = await runAction({ 'yc-sa-json-credentials': KEY, endpoint: iam.url, 'mask-token': 'false' });
    assert.equal(unmasked.code, 0);
    assert.ok(!masks(unmasked.stdout).includes('t1.action-token'));
  });

  test('each bad or missing input fails the step with one ::error:: line naming it', async () => {
    const key = JSON.parse(KEY);
    failed(await runAction({}), /^::error::iamjwt: ERR_USAGE: give one of: yc-sa-json-credentials; yc-key-id \+ yc-service-account-id \+ yc-private-key; yc-sa-id$/);
    failed(await runAction({ 'yc-key-id': key.id, 'yc-private-key': key.private_key }), /ERR_USAGE: yc-key-id \+ yc-service-account-id \+ yc-private-key needs yc-service-account-id too$/);
    failed(await runAction({ 'yc-sa-json-credentials': KEY, 'yc-sa-id': SA }), /ERR_USAGE: give only one of: yc-sa-json-credentials; yc-sa-id$/);
    failed(await runAction({ 'yc-sa-json-credentials': KEY, 'oidc-audience': 'x' }), /ERR_USAGE: oidc-audience goes with yc-sa-id$/);
    failed(await runAction({ 'yc-sa-json-credentials': KEY, 'mask-token': 'yes' }), /ERR_USAGE: mask-token is true or false/);
    failed(await runAction({ 'yc-sa-json-credentials': '{"id": "x"}' }), /^::error::iamjwt: ERR_KEY_FIELD_MISSING: /);
    failed(await runAction({ 'yc-sa-json-credentials': KEY.replace('ajetestserviceacc001', 'ajeintruder') , endpoint: iam.url }), /^::error::iamjwt: ERR_IAM_REJECTED: 401 UNAUTHENTICATED \(16\): unknown service account\. requestId=r-1$/);
    failed(await runAction({ 'yc-sa-json-credentials': KEY, endpoint: 'http://iam.example.com/iam/v1/tokens' }), /^::error::iamjwt: ERR_INSECURE_URL: /);
  });

  describe('yc-sa-id: workload identity federation with the job\'s OIDC token', () => {
    let emulator;
    let github;
    const oidc = (claims) => {
      const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'gh-1' })}.${b64({ iss: 'https://token.actions.githubusercontent.com', sub: 'repo:octo-org/app:ref:refs/heads/main', iat: now, exp: now + 300, ...claims })}`;
      return `${input}.${sign('sha256', Buffer.from(input), ISSUER_PEM).toString('base64url')}`;
    };
    before(async () => {
      emulator = await startEmulator({
        keys: [KEY],
        issuers: [JSON.stringify({
          issuer: 'https://token.actions.githubusercontent.com',
          audiences: ['https://github.com/octo-org'],
          subjects: { [SA]: ['repo:octo-org/app:ref:refs/heads/main'] },
          keys: [{ ...createPublicKey(ISSUER_PEM).export({ format: 'jwk' }), kid: 'gh-1' }],
        })],
      });
      // GitHub's token service: the audience asked for becomes the token's aud.
      github = await fakeServer(({ path, headers }) => {
        if (headers.authorization !== 'Bearer gh-request-token') return [401, { message: 'bad request token' }];
        const audience = new URL(path, 'http://x').searchParams.get('audience');
        return [200, { value: oidc({ aud: audience }) }];
      });
    });
    after(async () => {
      await emulator?.close();
      await github?.close();
    });
    const job = () => ({
      GITHUB_ACTIONS: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: `${github.url}/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'gh-request-token',
    });

    test('the token, with the audience https://github.com/<owner> by default', async () => {
      const r = await runAction({ 'yc-sa-id': SA, endpoint: emulator.federationUrl }, job());
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(outputs(r.output).token, /^t1\.emulated\./);
      assert.ok(masks(r.stdout).includes(outputs(r.output).token));
      // Another audience, which this federation does not list: refused as the real one refuses.
      const other = await runAction({ 'yc-sa-id': SA, endpoint: emulator.federationUrl, 'oidc-audience': 'https://elsewhere.example' }, job());
      failed(other, /^::error::iamjwt: ERR_IAM_REJECTED: 400 invalid_grant: the subject token's aud is not an audience of its issuer$/);
    });

    test('without permissions: id-token: write, the error names that permission', async () => {
      const r = await runAction({ 'yc-sa-id': SA, endpoint: emulator.federationUrl }, { GITHUB_ACTIONS: 'true' });
      failed(r, /^::error::iamjwt: ERR_OIDC_UNAVAILABLE: .*permissions: id-token: write/);
    });
  });
});

test('npm run release:action tags a commit that carries pkg/, and the Action runs from that tag', async () => {
  const clone = join(scratch, 'clone');
  execFileSync('git', ['clone', '--quiet', root, clone]);
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));
  cpSync(join(root, 'pkg'), join(clone, 'pkg'), { recursive: true }); // built already: the script does not rebuild it
  const head = execFileSync('git', ['-C', clone, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  execFileSync('bash', ['scripts/release-action.sh', 'v0.0.0-test'], { cwd: clone, stdio: 'ignore' });
  assert.equal(execFileSync('git', ['-C', clone, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(), head, 'the branch is unchanged');
  const files = execFileSync('git', ['-C', clone, 'ls-tree', '-r', '--name-only', 'v0.0.0-test'], { encoding: 'utf8' }).split('\n');
  for (const f of ['action.yml', 'js/action.mjs', 'pkg/iamjwt.js', 'pkg/iamjwt_bg.wasm', 'pkg/error-codes.js']) assert.ok(files.includes(f), `${f} at the tag`);
  // The runner checks the tag out and runs runs.main with node: nothing built, nothing installed.
  const checkout = join(scratch, 'checkout');
  execFileSync('git', ['-C', clone, 'worktree', 'add', '--quiet', '--detach', checkout, 'v0.0.0-test']);
  const main = /main: (\S+)/.exec(readFileSync(join(checkout, 'action.yml'), 'utf8'))[1];
  const output = join(scratch, 'release-output');
  writeFileSync(output, '');
  const run = await new Promise((resolve) => execFile(process.execPath, [join(checkout, main)], {
    env: { PATH: process.env.PATH, 'INPUT_YC-SA-JSON-CREDENTIALS': KEY, INPUT_ENDPOINT: iam.url, GITHUB_OUTPUT: output },
    encoding: 'utf8',
  }, (error, stdout) => resolve({ code: error?.code ?? 0, stdout })));
  assert.equal(run.code, 0, run.stdout);
  assert.match(readFileSync(output, 'utf8'), /t1\.action-token/);
});
