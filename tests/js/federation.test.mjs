// Workload identity federation, the emulator as every token source, and
// the ecosystem's key habits: against real HTTP servers on 127.0.0.1 (fake
// ones check method, path, headers and the form body exactly) and through
// the CLI as a user runs it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPublicKey, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, mock, test } from 'node:test';
import { promisify } from 'node:util';
import { startEmulator } from '../../js/emulator.mjs';
import { federationTokenSource, metadataTokenSource, ibmTrustedProfileTokenSource, serviceAccountTokenSource, IamJwtError } from '../../js/node.mjs';
import { fakeServer, fixture, fixturePath, root } from './helpers.mjs';

const KEY = fixture('key-2048.json');
const SA = 'ajetestserviceacc001';
const ISSUER = fixture('keys/other2048.pem');
const NOW = () => Math.floor(Date.now() / 1000);
const run = promisify(execFile);
const cli = (args, options = {}) => run(process.execPath, [`${root}js/cli.mjs`, ...args], { encoding: 'utf8', ...options })
  .then((r) => ({ code: 0, ...r }), (e) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

/** An RS256 JWT from the issuer key: an external OIDC token. */
function oidcToken(claims = {}, { kid = 'issuer-1', key = ISSUER } = {}) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = NOW();
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64({ iss: 'https://ci.example', sub: 'repo:org/app', aud: 'yc', iat: now, exp: now + 600, ...claims })}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** The issuer as the emulator registers it: iss, audiences, the subjects each account allows, its JWKS. */
function issuerJson(kid = 'issuer-1') {
  return JSON.stringify({
    issuer: 'https://ci.example',
    audiences: ['yc'],
    subjects: { [SA]: ['repo:org/app'] },
    keys: [{ ...createPublicKey(ISSUER).export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }],
  });
}

/** The exact form body of the token exchange. */
const exchangeForm = (audience, subject) => [
  'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange',
  'requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token',
  `audience=${encodeURIComponent(audience)}`,
  `subject_token=${encodeURIComponent(subject)}`,
  'subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token',
].join('&');

async function rejects(promise, code, pattern) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof IamJwtError, `not an IamJwtError: ${e}`);
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
}

let scratch;
before(() => { scratch = mkdtempSync(join(tmpdir(), 'iamjwt-federation-')); });
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('federation', () => {
  test('the token exchange: method, path, headers and the form body exactly; the answer read', async () => {
    const subject = oidcToken();
    const server = await fakeServer(() => [200, { access_token: 't1.federated', issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 3600 }]);
    const source = federationTokenSource({ serviceAccountId: SA, subjectToken: subject, endpoint: `${server.url}/oauth/token` });
    const { token, expiresAt } = await source.getTokenInfo();
    assert.equal(token, 't1.federated');
    assert.ok(Math.abs(expiresAt.getTime() / 1000 - (NOW() + 3600)) < 5);
    const [request] = server.requests;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/oauth/token');
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(request.headers.accept, 'application/json');
    assert.equal(request.body, exchangeForm(SA, subject));
    await server.close();
  });

  test('OAuth\'s refusal is ERR_IAM_REJECTED with both fields; a bad answer gets the other flows\' codes', async () => {
    const server = await fakeServer(({ body }) => (body.includes('audience=bad')
      ? [502, '<html>gateway</html>']
      : body.includes('audience=empty') ? [200, {}] : [400, { error: 'invalid_grant', error_description: 'the subject token has expired' }]));
    const endpoint = `${server.url}/oauth/token`;
    const source = (serviceAccountId) => federationTokenSource({ serviceAccountId, subjectToken: 'eyJ.e30.x', endpoint, retry: { attempts: 1 } });
    await assert.rejects(source(SA).getToken(), (e) => {
      assert.equal(e.code, 'ERR_IAM_REJECTED');
      assert.equal(e.status, 400);
      assert.equal(e.oauthError, 'invalid_grant');
      assert.equal(e.message, '400 invalid_grant: the subject token has expired');
      return true;
    });
    await rejects(source('bad').getToken(), 'ERR_RESPONSE_NOT_JSON', /HTML page/);
    await rejects(source('empty').getToken(), 'ERR_RESPONSE_INVALID', /without "access_token"/);
    await server.close();
  });

  test('a subject token file is read again on every refresh', async () => {
    const file = join(scratch, 'token');
    const server = await fakeServer(({ body }) => [200, { access_token: `t1.for-${new URLSearchParams(body).get('subject_token')}`, token_type: 'Bearer', expires_in: 1 }]);
    writeFileSync(file, 'first.e30.sig\n');
    const source = federationTokenSource({ serviceAccountId: SA, subjectTokenFile: file, endpoint: server.url });
    assert.equal(await source.getToken(), 't1.for-first.e30.sig');
    writeFileSync(file, 'second.e30.sig');
    // expires_in 1: the first call past the 30 s floor refreshes, and reads the rotated file.
    // The clock is mocked from now, a moment after the token came: 25 s on
    // stays within the 30 s floor however slow the machine was in between.
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    try {
      mock.timers.tick(25_000);
      assert.equal(await source.getToken(), 't1.for-first.e30.sig', 'within the floor, the token it has');
      mock.timers.tick(6_000);
      assert.equal(await source.getToken(), 't1.for-second.e30.sig');
    } finally {
      mock.timers.reset();
    }
    await rejects(federationTokenSource({ serviceAccountId: SA, subjectTokenFile: join(scratch, 'missing'), endpoint: server.url }).getToken(), 'ERR_INPUT_READ', /no such file/);
    writeFileSync(file, '  \n');
    await rejects(federationTokenSource({ serviceAccountId: SA, subjectTokenFile: file, endpoint: server.url }).getToken(), 'ERR_SUBJECT_TOKEN_INVALID', /^the subject token file .* is empty, so it is no OIDC token; nothing was sent$/);
    assert.equal(server.requests.length, 2, 'nothing was sent for the bad files');
    await server.close();
  });

  test('GitHub Actions: the job\'s OIDC token, asked for with its request URL and token; outside Actions, said', async () => {
    const oidc = oidcToken();
    const github = await fakeServer(({ headers }) => (headers.authorization === 'Bearer gh-request-token' ? [200, { count: 1, value: oidc }] : [401, { message: 'bad token' }]));
    const exchange = await fakeServer(({ body }) => [200, { access_token: `t1.gh-${new URLSearchParams(body).get('subject_token') === oidc}`, expires_in: 600 }]);
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        GITHUB_ACTIONS: 'true',
        ACTIONS_ID_TOKEN_REQUEST_URL: `${github.url}/_apis/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'gh-request-token',
      });
      const source = federationTokenSource({ serviceAccountId: SA, github: { audience: 'https://github.com/org' }, endpoint: exchange.url });
      assert.equal(await source.getToken(), 't1.gh-true');
      const [asked] = github.requests;
      assert.equal(asked.method, 'GET');
      assert.equal(asked.path, '/_apis/token?api-version=2.0&audience=https%3A%2F%2Fgithub.com%2Forg');
      assert.equal(asked.headers.authorization, 'Bearer gh-request-token');
      delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
      await rejects(federationTokenSource({ serviceAccountId: SA, github: {}, endpoint: exchange.url }).getToken(), 'ERR_OIDC_UNAVAILABLE', /id-token: write` \(ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set\)/);
      delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
      assert.throws(() => federationTokenSource({ serviceAccountId: SA, github: {} }), (e) => e.code === 'ERR_OIDC_UNAVAILABLE' && /id-token: write` \(ACTIONS_ID_TOKEN_REQUEST_URL is not set\)/.test(e.message));
      delete process.env.GITHUB_ACTIONS;
      assert.throws(() => federationTokenSource({ serviceAccountId: SA, github: {} }), (e) => e.code === 'ERR_OIDC_UNAVAILABLE' && /not running in GitHub Actions/.test(e.message));
    } finally {
      for (const name of ['GITHUB_ACTIONS', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      await github.close();
      await exchange.close();
    }
    assert.throws(() => federationTokenSource({ serviceAccountId: SA }), (e) => e.code === 'ERR_OPTION_INVALID');
    assert.throws(() => federationTokenSource({ subjectToken: 'x' }), (e) => e.code === 'ERR_OPTION_INVALID' && /service account/.test(e.message));
  });
});

describe('the emulator, as every token source', () => {
  let emu;
  let issuerFile;
  before(async () => {
    issuerFile = join(scratch, 'issuer.json');
    writeFileSync(issuerFile, issuerJson());
    emu = await startEmulator({ keys: [KEY], issuers: [issuerJson()] });
  });
  after(() => emu?.close());

  test('the metadata services, GCE, EC2 and IBM, for the first key\'s service account', async () => {
    assert.match(await metadataTokenSource({ flavor: 'gce', baseUrl: emu.metadataUrl }).getToken(), /^t1\.emulated\./);
    assert.match(await metadataTokenSource({ flavor: 'ec2', baseUrl: emu.metadataUrl }).getToken(), /^t1\.emulated\./);
    // IBM's IAM tokens are RS256 JWTs, as IBM issues them, at either service version.
    for (const serviceVersion of ['2022-03-01', '2025-08-26']) {
      const ibm = await ibmTrustedProfileTokenSource({ profile: 'Profile-1', baseUrl: emu.metadataUrl, serviceVersion }).getToken();
      assert.equal(JSON.parse(Buffer.from(ibm.split('.')[1], 'base64url')).sub, 'Profile-1', serviceVersion);
    }
    // GCE's header is required, as on a VM.
    const bare = await fetch(`${emu.metadataUrl}/computeMetadata/v1/instance/service-accounts/default/token`);
    assert.equal(bare.status, 403);
  });

  test('federation, for subject tokens of a registered issuer', async () => {
    const source = (subjectToken) => federationTokenSource({ serviceAccountId: SA, subjectToken, endpoint: emu.federationUrl, retry: { attempts: 1 } });
    assert.match(await source(oidcToken()).getToken(), /^t1\.emulated\./);
    await assert.rejects(source(oidcToken({ exp: NOW() - 3600, iat: NOW() - 7200 })).getToken(), (e) => e.oauthError === 'invalid_grant' && /expired/.test(e.message));
    await assert.rejects(source(oidcToken({}, { key: fixture('keys/rsa2048.pem') })).getToken(), (e) => e.oauthError === 'invalid_grant' && /does not verify/.test(e.message));
    await assert.rejects(federationTokenSource({ serviceAccountId: 'ajenobody', subjectToken: oidcToken(), endpoint: emu.federationUrl }).getToken(), (e) => e.oauthError === 'invalid_target');
    // The issuer's claims, as the real service checks them.
    for (const [claims, says] of [
      [{ iss: 'https://elsewhere.example' }, /not a registered issuer/],
      [{ aud: 'someone-else' }, /aud is not an audience/],
      [{ sub: 'repo:org/other' }, /sub is not a federated credential of service account ajetestserviceacc001/],
    ]) {
      await assert.rejects(source(oidcToken(claims)).getToken(), (e) => e.oauthError === 'invalid_grant' && says.test(e.message));
    }
  });

  test('the IBM pair checks the first step\'s token', async () => {
    const post = (authorization) => fetch(`${emu.metadataUrl}/instance_identity/v1/iam_token?version=2022-03-01`, { method: 'POST', headers: { authorization, 'metadata-flavor': 'ibm' } });
    assert.equal((await post('Bearer emulated-instance.forged')).status, 401);
    const first = await fetch(`${emu.metadataUrl}/instance_identity/v1/token?version=2022-03-01`, {
      method: 'PUT', headers: { 'metadata-flavor': 'ibm', 'content-type': 'application/json' }, body: '{"expires_in":3600}',
    });
    const { access_token: instance } = await first.json();
    assert.equal((await post(`Bearer ${instance}`)).status, 200);
  });

  test('the CLI: --federation with each subject source, and the emulator with --oidc-issuer', async () => {
    const { spawn } = await import('node:child_process');
    const server = spawn(process.execPath, [`${root}js/cli.mjs`, 'emulator', '--key', fixturePath('key-2048.json'), '--oidc-issuer', issuerFile, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (d) => { stderr += d; });
    const tokenUrl = await new Promise((resolve, reject) => {
      server.stdout.once('data', (d) => resolve(String(d).trim()));
      server.once('exit', (code) => reject(new Error(`emulator exited ${code}: ${stderr}`)));
    });
    const base = tokenUrl.replace('/iam/v1/tokens', '');
    const federation = `${base}/oauth/token`;
    const file = join(scratch, 'subject');
    writeFileSync(file, oidcToken());
    for (const [args, input] of [
      [['--subject-token', oidcToken()]],
      [['--subject-token', '-'], oidcToken()],
      [['--subject-token-file', file]],
    ]) {
      const r = await new Promise((resolve) => {
        const child = execFile(process.execPath, [`${root}js/cli.mjs`, 'token', '--federation', SA, ...args, '--endpoint', federation, '--json'], (error, stdout, err) => resolve({ error, stdout, err }));
        child.stdin.end(input ?? '');
      });
      assert.equal(r.error, null, `${args.join(' ')}: ${r.err}`);
      assert.match(JSON.parse(r.stdout).iamToken, /^t1\.emulated\./);
    }
    const gce = await cli(['token', '--metadata', 'gce', '--metadata-url', base]);
    assert.match(gce.stdout, /^t1\.emulated\./);
    assert.match(stderr, /VM metadata \(GCE, EC2, IBM\) for ajetestserviceacc001: http:\/\/127\.0\.0\.1:\d+/);
    assert.match(stderr, /federation: http:\/\/127\.0\.0\.1:\d+\/oauth\/token\n/);
    // A subject token file that is no JWT, or too large, is named and never sent or quoted.
    const secret = 'hunter2-not-a-jwt-but-a-secret';
    const notJwt = join(scratch, 'not-jwt');
    writeFileSync(notJwt, secret);
    const big = join(scratch, 'big');
    writeFileSync(big, `${oidcToken()}${'A'.repeat(100_000)}`);
    for (const [path, says] of [[notJwt, /is not a JWT/], [big, /is larger than 16384 bytes/]]) {
      const r = await cli(['token', '--federation', SA, '--subject-token-file', path, '--endpoint', federation]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^iamjwt: ERR_SUBJECT_TOKEN_INVALID: the subject token file ${path.replace(/[/\\.]/g, '\\$&')} `));
      assert.match(r.stderr, says);
      assert.ok(!r.stderr.includes(secret) && !r.stderr.includes('AAAAAAAA'), r.stderr);
    }
    const misuse = await cli(['token', '--federation', SA]);
    assert.equal(misuse.code, 2);
    assert.match(misuse.stderr, /^iamjwt: ERR_USAGE: --federation takes one of --subject-token, --subject-token-file or --github-oidc/);
    const outside = await cli(['token', '--federation', SA, '--github-oidc'], { env: { ...process.env, GITHUB_ACTIONS: '', ACTIONS_ID_TOKEN_REQUEST_URL: '' } });
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /^iamjwt: ERR_OIDC_UNAVAILABLE: not running in GitHub Actions/);
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGINT');
    assert.equal(await exited, 0);
  });
});

describe('the ecosystem\'s key habits, in the CLI', () => {
  test('IAMJWT_KEY and YC_SERVICE_ACCOUNT_KEY_FILE hold a path, the JSON or its base64; --key takes base64 too', async () => {
    const path = fixturePath('key-2048.json');
    const b64 = Buffer.from(KEY).toString('base64');
    const b64File = join(scratch, 'key.b64');
    writeFileSync(b64File, `${b64.replace(/.{76}/g, '$&\n')}\n`);
    const jwt = (env, args = []) => cli(['jwt', ...args], { env: { ...process.env, IAMJWT_KEY: '', YC_SERVICE_ACCOUNT_KEY_FILE: '', ...env } });
    for (const [what, env, args] of [
      ['IAMJWT_KEY as a path', { IAMJWT_KEY: path }],
      ['IAMJWT_KEY as the JSON', { IAMJWT_KEY: KEY }],
      ['IAMJWT_KEY as base64', { IAMJWT_KEY: b64 }],
      ['YC_SERVICE_ACCOUNT_KEY_FILE as a path', { YC_SERVICE_ACCOUNT_KEY_FILE: path }],
      ['YC_SERVICE_ACCOUNT_KEY_FILE as the JSON', { YC_SERVICE_ACCOUNT_KEY_FILE: KEY }],
      ['--key of a base64 file', {}, ['--key', b64File]],
    ]) {
      const r = await jwt(env, args);
      assert.equal(r.code, 0, `${what}: ${r.stderr}`);
      assert.match(r.stdout, /^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/, what);
    }
    // IAMJWT_KEY comes first.
    const first = await jwt({ IAMJWT_KEY: path, YC_SERVICE_ACCOUNT_KEY_FILE: '/nonexistent' });
    assert.equal(first.code, 0, first.stderr);
    // A path that is not there is not JSON either, and other credentials keep their names.
    const missing = await jwt({ IAMJWT_KEY: '/nonexistent/key.json' });
    assert.match(missing.stderr, /^iamjwt: ERR_KEY_NOT_JSON: /);
    const oauth = await jwt({ IAMJWT_KEY: 'y0_AgAAAAAAbcdefghijklmnopqrstuvwxyz0123456789' });
    assert.match(oauth.stderr, /OAuth token/);
    const none = await jwt({});
    assert.equal(none.code, 2);
    assert.match(none.stderr, /YC_SERVICE_ACCOUNT_KEY_FILE/);
  });

  test('the API takes a key file as base64 too', async () => {
    const source = serviceAccountTokenSource(Buffer.from(KEY).toString('base64'));
    assert.equal(source.key.id, 'ajetestkey2048000001');
    source.key.free();
  });
});
