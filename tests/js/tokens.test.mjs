// Getting IAM tokens against real HTTP servers on 127.0.0.1: the emulator
// and fake OAuth, metadata and IBM servers that check method, path, headers
// and body. Nothing inside the library is mocked.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { sign, constants } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startEmulator } from '../../js/emulator.mjs';
import {
  exchangeJwt, exchangeOAuthToken, ibmTrustedProfileTokenSource, metadataTokenSource, oauthTokenSource,
  parseKey, serviceAccountTokenSource, signJwt, IamJwtError, TokenSource,
} from '../../js/node.mjs';
import { fakeServer, fixture, fixturePath, laterBy, root } from './helpers.mjs';

const KEY = fixture('key-2048.json');
const NO_RETRY = { retry: { attempts: 1 } };
const FAST_RETRY = { retry: { baseMs: 20, maxMs: 2000 } };

const iamOk = (token = 't1.fake', seconds = 43200) => [200, { iamToken: token, expiresAt: new Date(Date.now() + seconds * 1000).toISOString() }];
const iamError = (status, code, message) => [status, { code, message, details: [{ requestId: 'req-fake-1' }] }];

async function rejects(promise, code, message) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof IamJwtError, `not an IamJwtError: ${e}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** A PS256 JWT with any claims, signed with node:crypto (the library refuses to make bad ones). */
function forge(keyJson, claims) {
  const { id, private_key: pem } = JSON.parse(keyJson);
  const h = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'PS256', kid: id })).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const s = sign('sha256', Buffer.from(`${h}.${p}`), {
    key: pem.replace(/^PLEASE.*\n/, ''), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32,
  }).toString('base64url');
  return `${h}.${p}.${s}`;
}

describe('the emulator', () => {
  let emu;
  before(async () => { emu = await startEmulator({ keys: [KEY] }); });
  after(() => emu.close());

  test('a service-account source gets a token; the JWT aud defaults to the endpoint', async () => {
    const source = serviceAccountTokenSource(KEY, { endpoint: emu.tokenUrl });
    const { token, expiresAt } = await source.getTokenInfo();
    assert.match(token, /^t1\.emulated\./);
    assert.ok(Math.abs(expiresAt.getTime() - Date.now() - 12 * 3600_000) < 10_000);
    assert.equal(await source.getToken(), token, 'cached');
  });

  test('exchangeJwt once, and the emulator rejects what IAM rejects', async () => {
    const key = parseKey(KEY);
    const now = Math.floor(Date.now() / 1000);
    const good = signJwt(key, { audience: emu.tokenUrl });
    assert.match((await exchangeJwt(good, { endpoint: emu.tokenUrl })).token, /^t1\./);
    // IAM's own audience, which every SDK names, is taken as well.
    assert.match((await exchangeJwt(signJwt(key), { endpoint: emu.tokenUrl })).token, /^t1\./);
    const cases = {
      'another audience': signJwt(key, { audience: 'https://elsewhere.example/iam/v1/tokens' }),
      expired: signJwt(key, { audience: emu.tokenUrl, now: now - 7200 }),
      'signed with another key': signJwt(fixture('key-2048-other.json'), { audience: emu.tokenUrl }),
      'too long-lived': forge(KEY, { iss: 'ajetestserviceacc001', aud: emu.tokenUrl, iat: now, exp: now + 7200 }),
      'iss of another account': forge(KEY, { iss: 'ajeintruder', aud: emu.tokenUrl, iat: now, exp: now + 600 }),
      tampered: good.slice(0, -6) + (good.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'),
    };
    for (const [name, jwt] of Object.entries(cases)) {
      await assert.rejects(exchangeJwt(jwt, { endpoint: emu.tokenUrl, ...NO_RETRY }), (e) => {
        assert.equal(e.code, 'ERR_IAM_REJECTED', `${name}: ${e.message}`);
        assert.equal(e.status, 401, name);
        assert.equal(e.grpcCode, 16, name);
        assert.match(e.requestId, /^[0-9a-f-]{36}$/, name);
        return true;
      });
    }
    key.free();
  });

  test('CORS only for the page origins it was given, never on metadata paths; only its own Host', async () => {
    const page = 'http://127.0.0.1:5173';
    const withCors = await startEmulator({ keys: [KEY], corsOrigins: [page] });
    try {
      const preflight = (url, origin) => fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      const allowed = await preflight(withCors.tokenUrl, page);
      assert.equal(allowed.status, 204);
      assert.equal(allowed.headers.get('access-control-allow-origin'), page);
      assert.equal((await preflight(withCors.federationUrl, page)).headers.get('access-control-allow-origin'), page);
      for (const [url, origin] of [
        [withCors.tokenUrl, 'https://evil.example'],
        [withCors.tokenUrl, 'null'],
        [`${withCors.metadataUrl}/computeMetadata/v1/instance/service-accounts/default/token`, page],
        [`${withCors.metadataUrl}/latest/meta-data/iam/security-credentials/default/`, page],
        [`${withCors.metadataUrl}/instance_identity/v1/token`, page],
      ]) {
        const res = await preflight(url, origin);
        assert.equal(res.headers.get('access-control-allow-origin'), null, `${url} for ${origin}`);
      }
      const gce = await fetch(`${withCors.metadataUrl}/computeMetadata/v1/instance/service-accounts/default/token`, { headers: { 'metadata-flavor': 'Google', origin: page } });
      assert.equal(gce.status, 200);
      assert.equal(gce.headers.get('access-control-allow-origin'), null, 'no real metadata service sends CORS headers');
    } finally {
      await withCors.close();
    }
    // Without origins given, no CORS headers at all.
    const post = await fetch(emu.tokenUrl, { method: 'POST', body: '{}', headers: { origin: 'http://127.0.0.1:1' } });
    assert.equal(post.headers.get('access-control-allow-origin'), null);
    assert.equal(post.status, 400);
    // DNS rebinding: a page on another name that resolves here sends its own Host.
    const { request } = await import('node:http');
    const status = (host) => new Promise((resolve, reject) => {
      const { port } = new URL(emu.url);
      request({ host: '127.0.0.1', port, path: '/computeMetadata/v1/instance/service-accounts/default/token', headers: { host, 'metadata-flavor': 'Google' } }, (res) => { res.resume(); resolve(res.statusCode); })
        .on('error', reject).end();
    });
    const { port } = new URL(emu.url);
    assert.equal(await status(`127.0.0.1:${port}`), 200);
    assert.equal(await status(`localhost:${port}`), 200);
    assert.equal(await status(`rebind.evil.example:${port}`), 421);
    assert.equal(await status('127.0.0.1:1'), 421);
  });

  test('the CLI token command gets a token from the emulator', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [`${root}js/cli.mjs`, 'token', '--key', fixturePath('key-2048.json'), '--endpoint', emu.tokenUrl, '--json']);
    const out = JSON.parse(stdout);
    assert.match(out.iamToken, /^t1\.emulated\./);
    assert.ok(Date.parse(out.expiresAt) > Date.now());
    await assert.rejects(
      run(process.execPath, [`${root}js/cli.mjs`, 'token', '--key', fixturePath('key-2048-other.json'), '--endpoint', emu.tokenUrl]),
      (e) => {
        assert.equal(e.code, 1);
        assert.match(e.stderr, /^iamjwt: ERR_IAM_REJECTED: 401 UNAUTHENTICATED \(16\): key ajeotherkey000000001 is not registered with the emulator\. requestId=[0-9a-f-]+\n$/);
        return true;
      },
    );
  });
});

describe('token flows against fake servers', () => {
  test('an explicit audience overrides the endpoint for a proxy in front of IAM', async () => {
    const proxy = await fakeServer(() => iamOk('t1.proxied'));
    const source = serviceAccountTokenSource(KEY, { endpoint: `${proxy.url}/iam/v1/tokens`, audience: 'https://iam.api.cloud.yandex.net/iam/v1/tokens' });
    assert.equal(await source.getToken(), 't1.proxied');
    const [{ method, path, headers, body }] = proxy.requests;
    assert.deepEqual([method, path, headers['content-type']], ['POST', '/iam/v1/tokens', 'application/json']);
    const payload = JSON.parse(Buffer.from(JSON.parse(body).jwt.split('.')[1], 'base64url'));
    assert.equal(payload.aud, 'https://iam.api.cloud.yandex.net/iam/v1/tokens');
    assert.equal(payload.exp - payload.iat, 3600);
    await proxy.close();
  });

  test('a source\'s options are checked when it is made, by the core', () => {
    const invalid = (fn, pattern) => assert.throws(fn, (e) => e.code === 'ERR_OPTION_INVALID' && pattern.test(e.message));
    invalid(() => serviceAccountTokenSource(KEY, { jwtTtl: 7200 }), /3600/);
    invalid(() => serviceAccountTokenSource(KEY, { endpoint: 42 }), /endpoint must be a string/);
    invalid(() => metadataTokenSource({ flavor: 'azure' }), /flavor must be 'gce' or 'ec2', not 'azure'/);
    invalid(() => exchangeOAuthToken('', {}), /OAuth token/);
    // Every member is one the source takes, checked once by the core, with the whole options object.
    invalid(() => metadataTokenSource({ flavor: 'gce', endpoint: 'http://127.0.0.1:1' }), /^metadataTokenSource has no option "endpoint"; it takes flavor, baseUrl, fetch, signal, timeoutMs, retry, allowInsecureHttp$/);
    invalid(() => oauthTokenSource('y0_x', { baseUrl: 'http://127.0.0.1:1' }), /oauthTokenSource has no option "baseUrl"/);
    invalid(() => ibmTrustedProfileTokenSource({ flavor: 'gce' }), /ibmTrustedProfileTokenSource has no option "flavor"/);
    invalid(() => serviceAccountTokenSource(KEY, { retries: 3 }), /has no option "retries"/);
    invalid(() => exchangeJwt('a.b.c', { retry: { attempts: 0 } }), /retry's attempts must be a whole number from 1 to 10/);
    invalid(() => exchangeJwt('a.b.c', { retry: { tries: 2 } }), /retry has no option "tries"/);
    invalid(() => exchangeJwt('a.b.c', { timeoutMs: -1 }), /timeoutMs must be a whole number/);
    invalid(() => exchangeJwt('a.b.c', { fetch: 'curl' }), /fetch must be a function/);
  });

  test('OAuth token → IAM token', async () => {
    const iam = await fakeServer(({ method, body }) =>
      method === 'POST' && JSON.parse(body).yandexPassportOauthToken === 'y0_test' ? iamOk('t1.oauth') : iamError(401, 16, 'bad oauth'));
    assert.equal(await oauthTokenSource('y0_test', { endpoint: iam.url }).getToken(), 't1.oauth');
    assert.equal((await exchangeOAuthToken('y0_test', { endpoint: iam.url })).token, 't1.oauth');
    await rejects(exchangeOAuthToken('y0_wrong', { endpoint: iam.url }), 'ERR_IAM_REJECTED');
    await iam.close();
  });

  test('GCE metadata: GET with Metadata-Flavor: Google', async () => {
    const md = await fakeServer(({ method, path, headers }) =>
      method === 'GET' && path === '/computeMetadata/v1/instance/service-accounts/default/token' && headers['metadata-flavor'] === 'Google'
        ? [200, { access_token: 't1.gce', expires_in: 43000, token_type: 'Bearer' }]
        : [404, 'not found', { 'content-type': 'text/plain' }]);
    const info = await metadataTokenSource({ flavor: 'gce', baseUrl: md.url }).getTokenInfo();
    assert.equal(info.token, 't1.gce');
    assert.ok(Math.abs(info.expiresAt.getTime() - Date.now() - 43000_000) < 5000);
    await md.close();
  });

  test('an expiry more than 12 hours ahead counts as 12 hours', async () => {
    const md = await fakeServer(() => [200, '{"access_token":"t1.gce","expires_in":9999999999999,"token_type":"Bearer"}']);
    const info = await metadataTokenSource({ flavor: 'gce', baseUrl: md.url }).getTokenInfo();
    assert.ok(Math.abs(info.expiresAt.getTime() - Date.now() - 12 * 3600_000) < 5000, info.expiresAt.toISOString());
    await md.close();
  });

  test('EC2 metadata: GET, and a Code that is not Success is an error', async () => {
    let code = 'Success';
    const md = await fakeServer(({ method, path }) =>
      method === 'GET' && path === '/latest/meta-data/iam/security-credentials/default/'
        ? [200, { Code: code, Expiration: new Date(Date.now() + 3600_000).toISOString(), Token: 't1.ec2' }]
        : [404, 'nope']);
    assert.equal(await metadataTokenSource({ flavor: 'ec2', baseUrl: md.url }).getToken(), 't1.ec2');
    code = 'AssumeRoleUnauthorizedAccess';
    await rejects(metadataTokenSource({ flavor: 'ec2', baseUrl: md.url }).getToken(), 'ERR_METADATA_REJECTED');
    await md.close();
  });

  test('IBM trusted profile: instance identity token, then IAM token, by id, CRN or default', async () => {
    const md = await fakeServer(({ method, path, headers, body }) => {
      if (method === 'PUT' && path === '/instance_identity/v1/token?version=2022-03-01') {
        const ok = headers['metadata-flavor'] === 'ibm' && headers.accept === 'application/json' && JSON.parse(body).expires_in === 3600;
        return ok ? [200, { access_token: 'inst-1', expires_in: 3600 }] : [400, { errors: [{ message: 'bad instance request' }] }];
      }
      if (method === 'POST' && path === '/instance_identity/v1/iam_token?version=2022-03-01') {
        if (headers.authorization !== 'Bearer inst-1') return [401, { errors: [{ message: 'bad instance token' }] }];
        const profile = body ? JSON.parse(body).trusted_profile : undefined;
        const name = profile?.id ?? profile?.crn ?? 'default';
        return [200, { access_token: `ibm-${name}`, expires_in: 3600, expires_at: new Date(Date.now() + 3600_000).toISOString() }];
      }
      return [404, 'no'];
    });
    assert.equal(await ibmTrustedProfileTokenSource({ profileId: 'Profile-1', baseUrl: md.url }).getToken(), 'ibm-Profile-1');
    const crn = 'crn:v1:bluemix:public:iam-identity::a/1::profile:Profile-2';
    assert.equal(await ibmTrustedProfileTokenSource({ profileCrn: crn, baseUrl: md.url }).getToken(), `ibm-${crn}`);
    assert.equal(await ibmTrustedProfileTokenSource({ baseUrl: md.url }).getToken(), 'ibm-default');
    // `profile`, as the user gave it: the core tells an id, a CRN and `default` apart.
    assert.equal(await ibmTrustedProfileTokenSource({ profile: crn, baseUrl: md.url }).getToken(), `ibm-${crn}`);
    assert.equal(await ibmTrustedProfileTokenSource({ profile: 'Profile-3', baseUrl: md.url }).getToken(), 'ibm-Profile-3');
    assert.equal(await ibmTrustedProfileTokenSource({ profile: 'default', baseUrl: md.url }).getToken(), 'ibm-default');
    assert.equal(md.requests.length, 12);
    await md.close();
  });

  test('the CLI token command with OAuth, GCE and IBM', async () => {
    const iam = await fakeServer(() => iamOk('t1.cli-oauth'));
    const md = await fakeServer(({ path }) => (path.startsWith('/computeMetadata')
      ? [200, { access_token: 't1.cli-gce', expires_in: 3600, token_type: 'Bearer' }]
      : path.startsWith('/instance_identity/v1/token') ? [200, { access_token: 'inst' }]
        : [200, { access_token: 'ibm-cli', expires_in: 3600 }]));
    const run = (...args) => promisify(execFile)(process.execPath, [`${root}js/cli.mjs`, 'token', ...args]);
    assert.equal((await run('--oauth', 'y0_x', '--endpoint', iam.url)).stdout, 't1.cli-oauth\n');
    assert.equal((await run('--metadata', 'gce', '--metadata-url', md.url)).stdout, 't1.cli-gce\n');
    assert.equal((await run('--ibm-profile', 'crn:v1:x', '--metadata-url', md.url)).stdout, 'ibm-cli\n');
    assert.deepEqual(JSON.parse(md.requests.at(-1).body), { trusted_profile: { crn: 'crn:v1:x' } });
    assert.equal((await run('--ibm-profile', 'default', '--metadata-url', md.url)).stdout, 'ibm-cli\n');
    assert.equal(md.requests.at(-1).body, '', 'the default profile sends no body');
    // The core decides the metadata format; the CLI shows its answer.
    const bad = await run('--metadata', 'azure', '--metadata-url', md.url).catch((e) => e);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, "iamjwt: ERR_OPTION_INVALID: flavor must be 'gce' or 'ec2', not 'azure'\n");
    await iam.close();
    await md.close();
  });
});

describe('faults', () => {
  test('two 503s, then 200: success after retries', async () => {
    const iam = await fakeServer((_, n) => (n <= 2 ? iamError(503, 14, 'unavailable') : iamOk('t1.third')));
    assert.equal(await oauthTokenSource('y0_x', { endpoint: iam.url, ...FAST_RETRY }).getToken(), 't1.third');
    assert.equal(iam.requests.length, 3);
    await iam.close();
  });

  test('429 with Retry-After: 1 is honoured', async () => {
    const iam = await fakeServer((_, n) => (n === 1 ? [...iamError(429, 8, 'slow down'), { 'retry-after': '1' }] : iamOk('t1.later')));
    const started = Date.now();
    assert.equal((await exchangeOAuthToken('y0_x', { endpoint: iam.url, retry: { baseMs: 1 } })).token, 't1.later');
    assert.ok(Date.now() - started >= 950, 'waited the second the server asked for');
    assert.equal(iam.requests.length, 2);
    await iam.close();
  });

  test('401: exactly one request, and the IAM message reaches the user', async () => {
    const iam = await fakeServer(() => iamError(401, 16, 'Token is invalid or has expired.'));
    await assert.rejects(exchangeOAuthToken('y0_x', { endpoint: iam.url, ...FAST_RETRY }), (e) => {
      assert.equal(e.code, 'ERR_IAM_REJECTED');
      assert.equal(e.message, '401 UNAUTHENTICATED (16): Token is invalid or has expired. requestId=req-fake-1');
      assert.deepEqual([e.status, e.grpcCode, e.requestId], [401, 16, 'req-fake-1']);
      return true;
    });
    assert.equal(iam.requests.length, 1);
    await iam.close();
  });

  test('a server that never answers: the timeout fires', async () => {
    const silent = await fakeServer(() => undefined);
    const started = Date.now();
    await rejects(exchangeOAuthToken('y0_x', { endpoint: silent.url, timeoutMs: 200, ...NO_RETRY }), 'ERR_TIMEOUT');
    assert.ok(Date.now() - started < 5000);
    await rejects(metadataTokenSource({ baseUrl: silent.url, timeoutMs: 200, retry: { attempts: 2, baseMs: 10 } }).getToken(), 'ERR_TIMEOUT');
    assert.equal(silent.requests.length, 3);
    await silent.close();
  });

  test('an AbortSignal stops the request', async () => {
    const silent = await fakeServer(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await rejects(exchangeOAuthToken('y0_x', { endpoint: silent.url, signal: controller.signal }), 'ERR_ABORTED');
    await silent.close();
  });

  test('a redirect is not followed: ERR_FETCH_FAILED naming it, in one request', async () => {
    const target = await fakeServer(() => iamOk('t1.should-not-get-here'));
    const iam = await fakeServer(() => [307, '', { location: `${target.url}/iam/v1/tokens` }]);
    await rejects(exchangeJwt('a.b.c', { endpoint: iam.url, ...FAST_RETRY }), 'ERR_FETCH_FAILED', /answered with HTTP 307; iamjwt does not follow redirects/);
    assert.equal(iam.requests.length, 1, 'not retried');
    assert.equal(target.requests.length, 0, 'the JWT went nowhere else');
    await iam.close();
    await target.close();
  });

  test('HTML instead of JSON: a clear error', async () => {
    const proxy = await fakeServer(() => [200, '<html><body>Please log in to the proxy</body></html>', { 'content-type': 'text/html' }]);
    await assert.rejects(exchangeOAuthToken('y0_x', { endpoint: proxy.url }), (e) => {
      assert.equal(e.code, 'ERR_RESPONSE_NOT_JSON');
      assert.match(e.message, /HTML page/);
      return true;
    });
    await proxy.close();
  });

  test('a refused connection is ERR_FETCH_FAILED, after retries', async () => {
    const gone = await fakeServer(() => iamOk());
    const { url } = gone;
    await gone.close();
    await rejects(exchangeOAuthToken('y0_x', { endpoint: url, retry: { attempts: 2, baseMs: 10 } }), 'ERR_FETCH_FAILED');
  });

  test('1000 concurrent getToken() calls: exactly 1 request', async () => {
    const iam = await fakeServer(async () => { await new Promise((r) => setTimeout(r, 50)); return iamOk('t1.shared'); });
    const source = serviceAccountTokenSource(KEY, { endpoint: iam.url, audience: 'x' });
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => source.getToken()));
    assert.ok(tokens.every((t) => t === 't1.shared'));
    assert.equal(iam.requests.length, 1);
    await iam.close();
  });

  test('new TokenSource(fetchToken) caches any source the same way', async () => {
    let calls = 0;
    const hour = () => new Date(Date.now() + 3600_000);
    const source = new TokenSource(async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 20));
      return { token: `own-${calls}`, expiresAt: calls === 1 ? new Date(Date.now() + 60_000) : hour() };
    });
    const first = await Promise.all([source.getToken(), source.getToken(), source.getToken()]);
    assert.deepEqual(first, ['own-1', 'own-1', 'own-1'], 'concurrent calls share one fetch');
    assert.equal(calls, 1);
    assert.equal(await source.getToken(), 'own-1', 'a minute left, but within 30 s of the last request: kept');
    await laterBy(31, async () => {
      assert.equal(await source.getToken(), 'own-2', 'inside the margin and past the floor: refreshed');
    });
    const info = await source.getTokenInfo();
    assert.equal(info.token, 'own-2', 'an hour left: cached');
    assert.ok(info.expiresAt instanceof Date);
    assert.equal(calls, 2);
  });

  test('a token near expiry is refreshed on the next call; a fresh one is not', async () => {
    let n = 0;
    const md = await fakeServer(() => { n += 1; return [200, { access_token: `t${n}`, expires_in: n === 1 ? 3600 : 200, token_type: 'Bearer' }]; });
    const source = metadataTokenSource({ baseUrl: md.url });
    assert.equal(await source.getToken(), 't1');
    assert.equal(await source.getToken(), 't1', 'an hour left: cached');
    assert.equal(md.requests.length, 1);
    const near = metadataTokenSource({ baseUrl: md.url });
    assert.equal(await near.getToken(), 't2'); // lives 200 s, inside the 5 min margin
    await laterBy(31, async () => {
      assert.equal(await near.getToken(), 't3', 'refreshed on the call path, once past the floor');
    });
    await md.close();
  });

  test('no refresh storm: short-lived or mis-dated tokens make at most one request per 30 s', async () => {
    for (const [what, answer] of [
      ['tokens that live 60 s', () => ({ access_token: 't', expires_in: 60 })],
      ['tokens that live 1 s', () => ({ access_token: 't', expires_in: 1 })],
      ['tokens that live 0 s', () => ({ access_token: 't', expires_in: 0 })],
    ]) {
      const md = await fakeServer(() => [200, answer()]);
      const source = metadataTokenSource({ baseUrl: md.url });
      const until = Date.now() + 3000;
      let calls = 0;
      while (Date.now() < until) {
        await Promise.all([source.getToken(), source.getToken()]);
        calls += 2;
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.ok(calls > 100, `${calls} calls`);
      assert.equal(md.requests.length, 1, `${what}: ${md.requests.length} requests in 3 s`);
      await laterBy(31, async () => {
        await Promise.all(Array.from({ length: 50 }, () => source.getToken()));
        assert.equal(md.requests.length, 2, `${what}: past the floor, one more (shared) request`);
      });
      await md.close();
    }
    // An IAM expiresAt already past (a server clock that is wrong) is the same.
    const iam = await fakeServer(() => [200, { iamToken: 't1.past', expiresAt: '2001-01-01T00:00:00Z' }]);
    const source = serviceAccountTokenSource(KEY, { endpoint: iam.url });
    for (let i = 0; i < 50; i += 1) assert.equal(await source.getToken(), 't1.past');
    assert.equal(iam.requests.length, 1);
    await iam.close();
  });

  test('a failed refresh while the old token is valid returns the old token', async () => {
    let n = 0;
    const md = await fakeServer(() => { n += 1; return n === 1 ? [200, { access_token: 'old', expires_in: 200 }] : [500, { message: 'down' }]; });
    const source = metadataTokenSource({ baseUrl: md.url, retry: { attempts: 1 } });
    assert.equal(await source.getToken(), 'old');
    await laterBy(31, async () => {
      assert.equal(await source.getToken(), 'old', 'refresh failed, old token still valid');
      assert.equal(md.requests.length, 2);
      assert.equal(await source.getToken(), 'old', 'no request storm: the next try waits');
      assert.equal(md.requests.length, 2);
    });
    await md.close();
  });
});
