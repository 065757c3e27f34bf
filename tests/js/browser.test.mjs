// The browser entry (js/browser.mjs) in real Chromium: the same API, its
// JWTs checked in Node by node:crypto and jose, its errors by code.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixture, fixtureDir, joseVerifies, nodeCryptoVerifies } from './helpers.mjs';
import { launch } from './chromium.mjs';
import { serve } from './serve.mjs';

const NOW = 1_790_000_000;
let server;
let browser;
let page;
const pageErrors = [];

before(async () => {
  server = await serve();
  browser = await launch();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.url}/tests/js/pages/api.html`);
  await page.waitForFunction(() => document.title === 'ready' || window.iamjwtFailed, null, { timeout: 20_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Calls the API in the page; returns { value } or { error: { name, code, message, isIamJwtError } }. */
const inPage = (fn, ...args) =>
  page.evaluate(
    ([source, args]) => {
      try {
        // eslint-disable-next-line no-new-func
        return { value: new Function('iamjwt', 'args', `return (${source})(iamjwt, ...args)`)(window.iamjwt, args) };
      } catch (e) {
        return { error: { name: e.name, code: e.code, message: e.message, isIamJwtError: e instanceof window.iamjwt.IamJwtError } };
      }
    },
    [fn.toString(), args],
  );

test('the browser entry signs JWTs that node:crypto and jose verify, for both key sizes', async () => {
  for (const file of ['key-2048.json', 'key-4096.json']) {
    const json = fixture(file);
    const { value: jwt } = await inPage((m, text, now) => m.signJwt(text, { now, ttl: 900 }), json, NOW);
    const pem = JSON.parse(json).public_key;
    assert.ok(nodeCryptoVerifies(jwt, pem), file);
    const { payload } = await joseVerifies(jwt, pem, { currentDate: new Date(NOW * 1000) });
    assert.equal(payload.exp - payload.iat, 900);
    const { value: fresh } = await inPage((m, text) => m.signJwt(m.parseKey(text)), json);
    assert.ok(Math.abs((await joseVerifies(fresh, pem)).payload.iat - Date.now() / 1000) < 5);
  }
});

test('every key shape parses in the browser', async () => {
  const reference = fixture('public-2048.pem');
  for (const [name, text] of fixtureDir('shapes')) {
    const { value, error } = await inPage((m, t, now) => {
      const key = m.parseKey(t);
      const out = { info: { ...key }, jwt: m.signJwt(key, { now }) };
      key.free();
      return out;
    }, text, NOW);
    assert.equal(error, undefined, name);
    assert.equal(value.info.id, 'ajetestkey2048000001', name);
    assert.ok(nodeCryptoVerifies(value.jwt, reference), name);
  }
});

test('errors in the browser are IamJwtError with the same codes', async () => {
  const manifest = JSON.parse(fixture('rejects.json'));
  for (const [name, text] of fixtureDir('rejects')) {
    const { error } = await inPage((m, t) => m.parseKey(t), text);
    assert.ok(error?.isIamJwtError, name);
    assert.equal(error.code, manifest[name], name);
  }
  const { error } = await inPage((m, text) => m.signJwt(text, { ttl: 9999 }), fixture('key-2048.json'));
  assert.equal(error.code, 'ERR_OPTION_INVALID');
  // Browsers sign in wasm (WebCrypto is async only); asking for native says so.
  assert.equal((await inPage((m) => m.defaultEngine())).value, 'wasm');
  const native = await inPage((m, text) => m.signJwt(text, { engine: 'native' }), fixture('key-2048.json'));
  assert.equal(native.error.code, 'ERR_OPTION_INVALID');
});

test('verify, decode and check work in the browser', async () => {
  const json = fixture('key-2048.json');
  const { value } = await inPage((m, text, now) => {
    const jwt = m.signJwt(text, { now });
    let expired;
    try { m.verifyJwt(jwt, text, { now: now + 7200 }); } catch (e) { expired = e.code; }
    return {
      verified: m.verifyJwt(jwt, text, { now }).payload.iss,
      decoded: m.decodeJwt(jwt).header.kid,
      expired,
      check: m.checkKey(text).ok,
    };
  }, json, NOW);
  assert.deepEqual(value, { verified: 'ajetestserviceacc001', decoded: 'ajetestkey2048000001', expired: 'ERR_JWT_EXPIRED', check: true });
  assert.deepEqual(pageErrors, []);
});
