// Shared by the JS tests: fixtures, the entries under test, independent
// verifiers (node:crypto and jose) that know nothing of iamjwt, and a fake
// server on 127.0.0.1 that records every request.
import { constants, createPublicKey, verify } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import * as jose from 'jose';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const fixturePath = (name) => `${root}tests/fixtures/${name}`;
export const fixture = (name) => readFileSync(fixturePath(name), 'utf8');
export const fixtureDir = (dir) =>
  readdirSync(fixturePath(dir)).sort().map((name) => [name, fixture(`${dir}/${name}`)]);

/** The package's Node entry. require('iamjwt') (js/node.cjs) hands back this
 * very module, which api.test.mjs checks, so every test here covers both. */
export const entries = {
  'node (js/node.mjs)': await import('../../js/node.mjs'),
};

/** node:crypto: RSASSA-PSS, SHA-256, MGF1-SHA-256, salt exactly 32. */
export function nodeCryptoVerifies(jwt, publicPem) {
  const [h, p, s] = jwt.split('.');
  return verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key: createPublicKey(publicPem), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
    Buffer.from(s, 'base64url'),
  );
}

/** jose.jwtVerify with PS256 only; returns { payload, protectedHeader }. */
export async function joseVerifies(jwt, publicPem, options = {}) {
  const key = await jose.importSPKI(publicPem, 'PS256');
  return jose.jwtVerify(jwt, key, { algorithms: ['PS256'], ...options });
}

/** Runs of 16 characters of a private key's base64: none may appear in output. */
export function secretRuns(pem) {
  const body = pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  const runs = [];
  for (let i = 0; i + 16 <= body.length; i += 8) runs.push(body.slice(i, i + 16));
  return runs;
}

export function assertNoSecret(text, runs, assert) {
  for (const run of runs) assert.ok(!text.includes(run), `output quotes the private key: ${text.slice(0, 200)}`);
}

/** Runs `fn` with the clock `seconds` ahead (Date only: timers and sockets run as they do). */
export async function laterBy(seconds, fn) {
  const { mock } = await import('node:test');
  mock.timers.enable({ apis: ['Date'], now: Date.now() + seconds * 1000 });
  try {
    await fn();
  } finally {
    mock.timers.reset();
  }
}

/** A server whose handler gets { method, path, headers, body } and returns [status, body, headers?] (or never answers). */
export async function fakeServer(handler) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const request = { method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(request);
      const answer = await handler(request, requests.length);
      if (!answer) return; // never answer
      const [status, body, headers = {}] = answer;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  server.unref(); // a test that fails before close() must not hang its file
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, requests, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}
