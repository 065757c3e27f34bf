// The edges, as a careless user and a hostile peer meet them: plain http
// refused before anything is sent, answers bounded as they stream, tokens
// that could split a header refused, and the local page server kept up by
// a malformed URL and closed to other Hosts.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createServer, request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  exchangeJwt, exchangeOAuthToken, federationTokenSource, ibmTrustedProfileTokenSource, metadataTokenSource,
  oauthTokenSource, serviceAccountTokenSource, signJwt, IamJwtError,
} from '../../js/node.mjs';
import { startPageServer } from '../../scripts/serve-page.mjs';
import { fakeServer, fixture, fixturePath, root } from './helpers.mjs';

const KEY = fixture('key-2048.json');
const NO_RETRY = { retry: { attempts: 1 } };

function cli(args, { input, env } = {}) {
  const r = spawnSync(process.execPath, [`${root}js/cli.mjs`, ...args], { input, encoding: 'utf8', env: { ...process.env, IAMJWT_KEY: '', ...env }, timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('plain http goes only to loopback and the metadata address', () => {
  /** A fetch that records every call: nothing may reach it. */
  const recorder = () => {
    const calls = [];
    const fetch = async (url) => { calls.push(url); throw new Error('must not be called'); };
    return { calls, fetch };
  };

  test('every source refuses http to another host with ERR_INSECURE_URL, before anything is sent', async () => {
    const { calls, fetch } = recorder();
    const remote = 'http://iam.example.com/iam/v1/tokens';
    const refusals = [
      () => exchangeJwt(signJwt(KEY), { endpoint: remote, fetch }),
      () => exchangeOAuthToken('y0_token', { endpoint: remote, fetch }),
      () => serviceAccountTokenSource(KEY, { endpoint: remote, fetch }),
      () => oauthTokenSource('y0_token', { endpoint: remote, fetch }),
      () => metadataTokenSource({ baseUrl: 'http://metadata.example', fetch }),
      () => ibmTrustedProfileTokenSource({ baseUrl: 'http://10.0.0.1', fetch }),
      () => federationTokenSource({ serviceAccountId: 'ajesa', subjectToken: 'a.b.c', endpoint: remote, fetch }),
    ];
    for (const refuse of refusals) {
      await assert.rejects(async () => refuse(), (e) => {
        assert.ok(e instanceof IamJwtError);
        assert.equal(e.code, 'ERR_INSECURE_URL', e.message);
        assert.match(e.message, /allowInsecureHttp: true/);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    }
    assert.deepEqual(calls, []);
  });

  test('loopback and the metadata address are plain http as they are; an opt-in reaches any host', async () => {
    const iam = await fakeServer(() => [200, { iamToken: 't1.loop', expiresAt: new Date(Date.now() + 3600_000).toISOString() }]);
    assert.equal((await exchangeJwt(signJwt(KEY), { endpoint: iam.url })).token, 't1.loop');
    // localhost names the same server.
    const viaName = iam.url.replace('127.0.0.1', 'localhost');
    assert.equal((await exchangeJwt(signJwt(KEY), { endpoint: viaName })).token, 't1.loop');
    // The opt-in: a fetch that stands in for a host reached by name (an emulator container).
    const seen = [];
    const fetch = (url, init) => { seen.push(url); return globalThis.fetch(iam.url, init); };
    const token = await exchangeJwt(signJwt(KEY), { endpoint: 'http://emulator:8910/iam/v1/tokens', fetch, allowInsecureHttp: true });
    assert.equal(token.token, 't1.loop');
    assert.deepEqual(seen, ['http://emulator:8910/iam/v1/tokens']);
    // The metadata sources' default address is plain http, as on a VM.
    assert.doesNotThrow(() => metadataTokenSource());
    assert.doesNotThrow(() => ibmTrustedProfileTokenSource());
    assert.throws(() => metadataTokenSource({ allowInsecureHttp: 'yes' }), (e) => e.code === 'ERR_OPTION_INVALID' && /allowInsecureHttp must be true or false/.test(e.message));
    await iam.close();
  });

  test('the CLI refuses too, names --allow-insecure-http, and sends nothing; the flag lets it through', async () => {
    let hits = 0;
    const server = createServer((req, res) => { hits += 1; req.resume(); res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ iamToken: 't1.cli', expiresAt: new Date(Date.now() + 3600_000).toISOString() })); });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const refused = cli(['token', '--key', fixturePath('key-2048.json'), '--endpoint', 'http://iam.example.com/iam/v1/tokens']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /^iamjwt: ERR_INSECURE_URL: endpoint is plain http to iam\.example\.com, .*--allow-insecure-http\)\n$/);
    const oauth = cli(['token', '--oauth', '-', '--endpoint', 'http://iam.example.com/x'], { input: 'y0_secret' });
    assert.match(oauth.err, /^iamjwt: ERR_INSECURE_URL: /);
    assert.equal(hits, 0);
    server.close();
  });
});

describe('answers are bounded as they stream', () => {
  test('a Content-Length over 256 KB is refused at once; an endless chunked answer stops at the bound, without retries', async () => {
    const served = [];
    const server = createServer((req, res) => {
      served.push(req.url);
      if (req.url.startsWith('/declared')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
        res.write('{"iamToken":"');
        return; // never finishes: only the header could be read
      }
      // Endless: chunks until the client goes away.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"iamToken":"');
      const timer = setInterval(() => { if (!res.write('a'.repeat(16 * 1024))) { /* backpressure: keep going when drained */ } }, 1);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${server.address().port}`;
    for (const path of ['/declared', '/endless']) {
      const started = Date.now();
      await assert.rejects(exchangeJwt(signJwt(KEY), { endpoint: `${url}${path}` }), (e) => {
        assert.equal(e.code, 'ERR_RESPONSE_INVALID', e.message);
        assert.match(e.message, /with more than 262144 bytes/);
        return true;
      });
      assert.ok(Date.now() - started < 5000, `${path}: ${Date.now() - started} ms (the timeout is 10 s)`);
    }
    assert.deepEqual(served, ['/declared', '/endless'], 'one request each: no retry can mend it');
    server.closeAllConnections();
    server.close();
  });

  test('an answer just under the bound is read', async () => {
    const pad = 'x'.repeat(200 * 1024);
    const iam = await fakeServer(() => [200, { iamToken: 't1.padded', expiresAt: new Date(Date.now() + 3600_000).toISOString(), pad }]);
    assert.equal((await exchangeJwt(signJwt(KEY), { endpoint: iam.url })).token, 't1.padded');
    await iam.close();
  });

  test('a token that could split a header is ERR_RESPONSE_INVALID, in the API and the CLI', async () => {
    const iam = await fakeServer(() => [200, { iamToken: 't1.abc\r\nX-Evil: 1', expiresAt: new Date(Date.now() + 3600_000).toISOString() }]);
    await assert.rejects(exchangeJwt(signJwt(KEY), { endpoint: iam.url, ...NO_RETRY }), (e) => e.code === 'ERR_RESPONSE_INVALID' && /"iamToken" is not a string of printable token characters/.test(e.message));
    // Async: the fake server answers from this process.
    const r = await new Promise((resolve) => {
      execFile(process.execPath, [`${root}js/cli.mjs`, 'token', '--key', fixturePath('key-2048.json'), '--endpoint', iam.url], (error, out, err) => resolve({ code: error?.code ?? 0, out, err }));
    });
    assert.equal(r.code, 1, r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /^iamjwt: ERR_RESPONSE_INVALID: /);
    assert.ok(!r.err.includes('Evil'));
    await iam.close();
  });
});

describe('the page server', () => {
  let server;
  before(async () => { server = await startPageServer(); });
  after(() => server?.close());

  const get = (path, host) => new Promise((resolve, reject) => {
    const { port } = new URL(server.url);
    request({ host: '127.0.0.1', port, path, headers: { host: host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body, cors: res.headers['access-control-allow-origin'] }));
    }).on('error', reject).end();
  });

  test('a malformed URL is 400, and the server keeps serving', async () => {
    for (const path of ['/www/%', '/www/%E0%A4%A', '/%ff']) assert.equal((await get(path)).status, 400, path);
    assert.equal((await get('/www/')).status, 200);
  });

  test('only its own Host is answered (no DNS rebinding); the page\'s own emulator sends no CORS headers', async () => {
    const { port } = new URL(server.url);
    assert.equal((await get('/www/', `localhost:${port}`)).status, 200);
    for (const host of [`attacker.example:${port}`, '127.0.0.1', `127.0.0.1:${Number(port) + 1}`]) {
      assert.equal((await get('/www/', host)).status, 421, host);
      assert.equal((await get('/computeMetadata/v1/instance/service-accounts/default/token', host)).status, 421, host);
    }
    const gce = await fetch(`${server.url}/computeMetadata/v1/instance/service-accounts/default/token`, { headers: { 'metadata-flavor': 'Google', origin: 'https://evil.example' } });
    assert.equal(gce.status, 200);
    assert.equal(gce.headers.get('access-control-allow-origin'), null);
  });
});
