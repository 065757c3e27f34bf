// The npm API on the built wasm, through every Node entry. Every JWT is
// checked by node:crypto and jose, which share no code with iamjwt.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import {
  assertNoSecret, entries, fixture, fixtureDir, joseVerifies, nodeCryptoVerifies, root, secretRuns,
} from './helpers.mjs';

const NOW = 1_790_000_000;
const AUD = 'https://iam.api.cloud.yandex.net/iam/v1/tokens';
const KEYS = [
  { file: 'key-2048.json', id: 'ajetestkey2048000001', bits: 2048 },
  { file: 'key-4096.json', id: 'ajetestkey4096000001', bits: 4096 },
];
/**
 * The key file with its private key as PKCS#1 whose nine INTEGERs (version,
 * n, e, d, p, q, dP, dQ, qInv: their contents) `edit` changes in place.
 */
function withPkcs1(text, edit) {
  const json = JSON.parse(text);
  const der = createPrivateKey(json.private_key.replace(/^PLEASE.*\n/, '')).export({ type: 'pkcs1', format: 'der' });
  const read = (at) => {
    const first = der[at + 1];
    if (first < 0x80) return { start: at + 2, len: first };
    const count = first & 0x7f;
    return { start: at + 2 + count, len: der.subarray(at + 2, at + 2 + count).reduce((n, b) => n * 256 + b, 0) };
  };
  const ints = [];
  for (let at = read(0).start; at < der.length;) {
    const { start, len } = read(at);
    ints.push(der.subarray(start, start + len));
    at = start + len;
  }
  edit(ints);
  const tlv = (tag, body) => {
    const len = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
    return Buffer.concat([Buffer.from([tag, ...len]), body]);
  };
  const pkcs1 = tlv(0x30, Buffer.concat(ints.map((i) => tlv(0x02, i))));
  const pem = `-----BEGIN RSA PRIVATE KEY-----\n${pkcs1.toString('base64')}\n-----END RSA PRIVATE KEY-----\n`;
  return JSON.stringify({ ...json, private_key: pem });
}
const b64json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const publicPem = (file) => JSON.parse(fixture(file)).public_key;
const secrets = secretRuns(fixture('keys/rsa2048.pem'));

for (const [entryName, iamjwt] of Object.entries(entries)) {
  const { parseKey, signJwt, signJwtAsync, decodeJwt, verifyJwt, checkKey, defaults, IamJwtError, ERROR_CODES } = iamjwt;

  /** Asserts fn throws an IamJwtError with this code and a one-line message. */
  function throwsCode(fn, code) {
    assert.throws(fn, (e) => {
      assert.ok(e instanceof IamJwtError, `not an IamJwtError: ${e}`);
      assert.equal(e.name, 'IamJwtError');
      assert.equal(e.code, code, e.message);
      assert.ok(e.message.length > 10 && !e.message.includes('\n'), e.message);
      return true;
    });
  }

  describe(entryName, () => {
    test('every key shape parses to the same key, and signs what node:crypto verifies', () => {
      const shapes = fixtureDir('shapes');
      assert.ok(shapes.length >= 15);
      const reference = fixture('public-2048.pem');
      for (const [name, text] of shapes) {
        const key = parseKey(text);
        assert.deepEqual(
          { ...key },
          {
            id: 'ajetestkey2048000001', serviceAccountId: 'ajetestserviceacc001',
            keyAlgorithm: 'RSA_2048', createdAt: '2026-11-01T10:00:00.000000000Z', modulusBits: 2048,
          },
          name,
        );
        assert.ok(nodeCryptoVerifies(signJwt(key, { now: NOW }), reference), name);
        key.free();
      }
    });

    test('a key without key_algorithm or created_at shows them as null', () => {
      const json = JSON.parse(fixture('key-2048.json'));
      delete json.key_algorithm;
      delete json.created_at;
      const key = parseKey(json);
      assert.deepEqual(
        [key.keyAlgorithm, key.createdAt, key.modulusBits, key.id],
        [null, null, 2048, 'ajetestkey2048000001'],
      );
      key.free();
    });

    test('every reject throws its code, without quoting the key', () => {
      const manifest = JSON.parse(fixture('rejects.json'));
      for (const [name, text] of fixtureDir('rejects')) {
        assert.ok(manifest[name], `${name} is in rejects.json`);
        throwsCode(() => parseKey(text), manifest[name]);
        try { parseKey(text); } catch (e) { assertNoSecret(e.message, secrets, assert); }
      }
    });

    const SHAPES = [
      { name: 'defaults', options: {}, aud: AUD, ttl: 3600 },
      { name: 'ttl 600', options: { ttl: 600 }, aud: AUD, ttl: 600 },
      { name: 'ttl 1', options: { ttl: 1 }, aud: AUD, ttl: 1 },
      { name: 'emulator audience', options: { audience: 'http://127.0.0.1:9/iam/v1/tokens', ttl: 120 }, aud: 'http://127.0.0.1:9/iam/v1/tokens', ttl: 120 },
    ];
    for (const { file, id, bits } of KEYS) for (const engine of ['native', 'wasm']) {
      test(`RSA-${bits}, ${engine} engine: every JWT shape is exact, and verified by node:crypto and jose`, async () => {
        const key = parseKey(fixture(file));
        assert.equal(key.modulusBits, bits);
        for (const shape of SHAPES) {
          const jwt = signJwt(key, { now: NOW, engine, ...shape.options });
          const [h, p, s] = jwt.split('.');
          assert.equal(Buffer.from(h, 'base64url').toString(), `{"typ":"JWT","alg":"PS256","kid":"${id}"}`);
          const claims = { iss: 'ajetestserviceacc001', aud: shape.aud, iat: NOW, exp: NOW + shape.ttl };
          assert.deepEqual(b64json(p), claims, shape.name);
          assert.equal(Buffer.from(p, 'base64url').toString(), JSON.stringify(claims), 'claims in iss, aud, iat, exp order');
          assert.equal(Buffer.from(s, 'base64url').length, bits / 8);
          assert.match(jwt, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'base64url without padding');
          assert.ok(nodeCryptoVerifies(jwt, publicPem(file)), `node:crypto, ${shape.name}`);
          const { payload, protectedHeader } = await joseVerifies(jwt, publicPem(file), {
            audience: shape.aud, issuer: 'ajetestserviceacc001', currentDate: new Date(NOW * 1000),
          });
          assert.deepEqual(payload, claims, `jose, ${shape.name}`);
          assert.equal(protectedHeader.kid, id);
          assert.deepEqual(verifyJwt(jwt, key, { now: NOW }).payload, claims);
        }
        // With the real clock: jose's own idea of "now" accepts it.
        const fresh = signJwt(key, { engine });
        const { payload } = await joseVerifies(fresh, publicPem(file));
        assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 5);
        key.free();
      });
    }

    test('signJwt takes JSON text, bytes, a parsed object, or a parsed key; now as a Date', () => {
      const text = fixture('key-2048.json');
      const pem = publicPem('key-2048.json');
      for (const input of [text, Buffer.from(text), new TextEncoder().encode(text).buffer, JSON.parse(text)]) {
        const jwt = signJwt(input, { now: new Date(NOW * 1000) });
        assert.equal(decodeJwt(jwt).payload.iat, NOW);
        assert.ok(nodeCryptoVerifies(jwt, pem));
      }
    });

    test('the default engine in Node is native; both engines take the same inputs', () => {
      assert.equal(iamjwt.defaultEngine(), 'native');
      const text = fixture('key-2048.json');
      for (const engine of ['native', 'wasm', 'auto', undefined]) {
        assert.ok(nodeCryptoVerifies(signJwt(text, { engine }), publicPem('key-2048.json')), String(engine));
      }
      throwsCode(() => signJwt(text, { engine: 'gpu' }), 'ERR_OPTION_INVALID');
      const key = parseKey(text);
      signJwt(key, { engine: 'native' });
      key.free();
      throwsCode(() => signJwt(key, { engine: 'native' }), 'ERR_KEY_FREED');
      assert.ok(!('registerNativeEngine' in iamjwt), 'the engine slot is not public');
    });

    test('a platform signature that does not verify never becomes a JWT: ERR_CRYPTO', async () => {
      // The fault is injected where one can be: in the platform signer. The
      // platform's own verifier checks its signature before the JWT is
      // finished; a signer without one is checked by the core.
      const { nativeEngine, registerNativeEngine } = await import('../../js/engine.js');
      const real = nativeEngine();
      const flip = (bytes) => { const out = Uint8Array.from(bytes); out[7] ^= 0x01; return out; };
      const faulty = { ...real, sign: (key, data) => flip(real.sign(key, data)) };
      const { verify: _, ...faultyWithoutVerifier } = faulty;
      const verifierThrows = { ...real, verify: () => { throw new Error('verifier broke'); } };
      try {
        for (const [name, engine] of [['platform verifier', faulty], ['the core', faultyWithoutVerifier], ['a verifier that throws', verifierThrows]]) {
          registerNativeEngine(engine);
          const key = parseKey(fixture('key-2048.json'));
          throwsCode(() => signJwt(key, { engine: 'native' }), 'ERR_CRYPTO');
          await assert.rejects(signJwtAsync(key, { engine: 'native' }), (e) => e.code === 'ERR_CRYPTO', name);
          assert.ok(nodeCryptoVerifies(signJwt(key, { engine: 'wasm' }), publicPem('key-2048.json')));
          key.free();
        }
        // Without a verifier, a sound signer's signature passes the core's check.
        const { verify: _v, ...withoutVerifier } = real;
        registerNativeEngine(withoutVerifier);
        const key = parseKey(fixture('key-2048.json'));
        assert.ok(nodeCryptoVerifies(signJwt(key, { engine: 'native' }), publicPem('key-2048.json')));
        key.free();
      } finally {
        registerNativeEngine(real);
      }
      // WebCrypto's signer, the same.
      const { webCryptoEngine, registerWebCryptoEngine } = await import('../../js/engine.js');
      const realWeb = webCryptoEngine();
      const { verify: _w, ...webWithoutVerifier } = realWeb;
      try {
        for (const engine of [{ ...realWeb, sign: async (key, data) => flip(await realWeb.sign(key, data)) }, { ...webWithoutVerifier, sign: async (key, data) => flip(await realWeb.sign(key, data)) }]) {
          registerWebCryptoEngine(engine);
          const key = parseKey(fixture('key-2048.json'));
          await assert.rejects(signJwtAsync(key, { engine: 'webcrypto' }), (e) => e.code === 'ERR_CRYPTO' && !e.message.includes('\n'));
          key.free();
        }
        registerWebCryptoEngine(realWeb);
        const key = parseKey(fixture('key-2048.json'));
        assert.ok(nodeCryptoVerifies(await signJwtAsync(key, { engine: 'webcrypto' }), publicPem('key-2048.json')));
        key.free();
      } finally {
        registerWebCryptoEngine(realWeb);
      }
      const key = parseKey(fixture('key-2048.json'));
      assert.ok(nodeCryptoVerifies(signJwt(key, { engine: 'native' }), publicPem('key-2048.json')));
      key.free();
    });

    test('the DER handed to a platform is all zeros once imported, or once its import failed', async () => {
      // SECURITY.md: the JS copy of the private key's DER is wiped when the
      // platform has read it. The engines here keep what they were handed.
      const { nativeEngine, registerNativeEngine, webCryptoEngine, registerWebCryptoEngine } = await import('../../js/engine.js');
      const [real, realWeb] = [nativeEngine(), webCryptoEngine()];
      const seen = [];
      const keeping = (engine, fail) => ({
        ...engine,
        importKey: (der, publicJwk) => {
          seen.push(der);
          assert.ok(der.some((b) => b !== 0), 'the platform is handed the DER, not zeros');
          if (fail) throw new Error('import refused');
          return engine.importKey(der, publicJwk);
        },
      });
      const wiped = (what) => {
        assert.equal(seen.length, 1, what);
        assert.ok(seen[0].length > 1000 && seen[0].every((b) => b === 0), `${what}: the DER is wiped`);
        seen.length = 0;
      };
      const text = fixture('key-2048.json');
      try {
        registerNativeEngine(keeping(real, false));
        assert.ok(nodeCryptoVerifies(signJwt(text, { engine: 'native' }), publicPem('key-2048.json')));
        wiped('native, one-shot');
        const key = parseKey(text);
        signJwt(key, { engine: 'native' });
        wiped('native, a parsed key');
        key.free();
        registerWebCryptoEngine(keeping(realWeb, false));
        assert.ok(nodeCryptoVerifies(await signJwtAsync(text, { engine: 'webcrypto' }), publicPem('key-2048.json')));
        wiped('WebCrypto');
        registerNativeEngine(keeping(real, true));
        throwsCode(() => signJwt(text, { engine: 'native' }), 'ERR_CRYPTO');
        wiped('native, the import failed');
      } finally {
        registerNativeEngine(real);
        registerWebCryptoEngine(realWeb);
      }
    });

    test('a file whose CRT values are not its own signs on every engine; damaged numbers are ERR_KEY_CORRUPT on every engine', async () => {
      // The platform is handed the file's own DER only when its dP, dQ and
      // qInv are those of its p, q and d; else rsa builds the key and encodes it.
      const swapped = withPkcs1(fixture('key-2048.json'), (ints) => { [ints[4], ints[5]] = [ints[5], ints[4]]; });
      const damaged = withPkcs1(fixture('key-2048.json'), (ints) => { ints[3] = Buffer.from(ints[3]); ints[3][40] ^= 0x10; });
      for (const engine of ['native', 'webcrypto', 'wasm']) {
        const jwt = await signJwtAsync(swapped, { engine, now: NOW });
        assert.ok(nodeCryptoVerifies(jwt, publicPem('key-2048.json')), engine);
        await assert.rejects(signJwtAsync(damaged, { engine }), (e) => e.code === 'ERR_KEY_CORRUPT', engine);
      }
      for (const engine of ['native', 'wasm']) {
        assert.ok(nodeCryptoVerifies(signJwt(swapped, { engine }), publicPem('key-2048.json')), engine);
        throwsCode(() => signJwt(damaged, { engine }), 'ERR_KEY_CORRUPT');
      }
      throwsCode(() => parseKey(damaged), 'ERR_KEY_CORRUPT');
    });

    test('options out of range are ERR_OPTION_INVALID', () => {
      const key = parseKey(fixture('key-2048.json'));
      for (const engine of ['native', 'wasm']) {
        for (const ttl of [0, 3601, 1.5, -1, NaN, Infinity]) throwsCode(() => signJwt(key, { ttl, engine }), 'ERR_OPTION_INVALID');
      }
      throwsCode(() => signJwt(key, { ttl: '60' }), 'ERR_OPTION_INVALID');
      throwsCode(() => signJwt(key, { now: -5 }), 'ERR_OPTION_INVALID');
      throwsCode(() => signJwt(key, { now: 'yesterday' }), 'ERR_OPTION_INVALID');
      throwsCode(() => signJwt(key, { audience: '' }), 'ERR_OPTION_INVALID');
      throwsCode(() => signJwt(key, { audience: 42 }), 'ERR_OPTION_INVALID');
      throwsCode(() => signJwt(42), 'ERR_OPTION_INVALID');
      throwsCode(() => parseKey(undefined), 'ERR_OPTION_INVALID');
      assert.equal(decodeJwt(signJwt(key, { ttl: 1, now: NOW })).payload.exp, NOW + 1);
      key.free();
    });

    test('an option of the wrong type or an unknown name is ERR_OPTION_INVALID, naming the option', () => {
      const key = parseKey(fixture('key-2048.json'));
      const says = (fn, pattern) => assert.throws(fn, (e) => {
        assert.equal(e.code, 'ERR_OPTION_INVALID');
        assert.match(e.message, pattern);
        return true;
      });
      says(() => signJwt(key, { ttl: '60' }), /\bttl must be a number of seconds/);
      says(() => signJwt(key, { audience: 42 }), /\baudience must be a string/);
      says(() => signJwt(key, { endpoint: ['x'] }), /\bendpoint must be a string/);
      says(() => signJwt(key, { tll: 60 }), /signJwt has no option "tll"; it takes now, ttl, audience, endpoint, engine/);
      says(() => verifyJwt(signJwt(key), key, { leway: 5 }), /verifyJwt has no option "leway"/);
      says(() => verifyJwt(signJwt(key), key, { leeway: '5' }), /\bleeway must be a number of seconds/);
      says(() => checkKey(fixture('key-2048.json'), { now: NOW, strict: true }), /checkKey has no option "strict"/);
      says(() => signJwt(key, 'fast'), /options must be an object/);
      says(() => decodeJwt(42), /jwt must be a string/);
      // undefined and null members count as absent.
      assert.ok(nodeCryptoVerifies(signJwt(key, { ttl: undefined, audience: null, engine: undefined }), publicPem('key-2048.json')));
      key.free();
    });

    test('the audience is the endpoint unless given, decided by the core', () => {
      const key = parseKey(fixture('key-2048.json'));
      const aud = (options) => decodeJwt(signJwt(key, { now: NOW, ...options })).payload.aud;
      assert.equal(aud({}), AUD);
      assert.equal(aud({ endpoint: 'http://127.0.0.1:1/iam/v1/tokens' }), 'http://127.0.0.1:1/iam/v1/tokens');
      assert.equal(aud({ endpoint: 'http://127.0.0.1:1/t', audience: 'urn:x' }), 'urn:x');
      assert.equal(aud({ endpoint: ' ' }), AUD);
      key.free();
    });

    test('decodeJwt and verifyJwt give the members in the JWT\'s own order', () => {
      const key = parseKey(fixture('key-2048.json'));
      const jwt = signJwt(key, { now: NOW });
      for (const { header, payload } of [decodeJwt(jwt), verifyJwt(jwt, key, { now: NOW })]) {
        assert.deepEqual(Object.keys(header), ['typ', 'alg', 'kid']);
        assert.deepEqual(Object.keys(payload), ['iss', 'aud', 'iat', 'exp']);
      }
      const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const odd = `${part({ z: 1, a: 2, m: { y: 1, b: 2 } })}.${part({ exp: 2, iat: 1, big: 2 ** 60 + 1 })}.AAAA`;
      const decoded = decodeJwt(odd);
      assert.deepEqual(Object.keys(decoded.header), ['z', 'a', 'm']);
      assert.deepEqual(Object.keys(decoded.header.m), ['y', 'b']);
      assert.deepEqual(Object.keys(decoded.payload), ['exp', 'iat', 'big']);
      assert.equal(decoded.payload.big, 2 ** 60, 'past 2^53, the nearest JS number');
      key.free();
    });

    test('verifyJwt rejects what IAM rejects, with codes', () => {
      const key = parseKey(fixture('key-2048.json'));
      const jwt = signJwt(key, { now: NOW });
      assert.equal(verifyJwt(jwt, fixture('key-2048.json'), { now: NOW }).header.kid, 'ajetestkey2048000001');
      assert.ok(verifyJwt(jwt, fixture('key-2048-public-only.json'), { now: NOW }));
      assert.ok(verifyJwt(jwt, fixture('public-2048.pem'), { now: NOW }));
      throwsCode(() => verifyJwt(jwt, key, { now: NOW + 3600 + 61 }), 'ERR_JWT_EXPIRED');
      throwsCode(() => verifyJwt(jwt, key, { now: NOW - 3600 }), 'ERR_JWT_CLAIM_INVALID');
      throwsCode(() => verifyJwt(jwt, fixture('key-2048-other.json'), { now: NOW }), 'ERR_JWT_SIGNATURE');
      throwsCode(() => verifyJwt(jwt, key, { now: NOW, audience: 'http://elsewhere' }), 'ERR_JWT_CLAIM_INVALID');
      const [h, , s] = jwt.split('.');
      const evil = Buffer.from(JSON.stringify({ iss: 'ajetestserviceacc001', aud: AUD, iat: NOW, exp: NOW + 86400 })).toString('base64url');
      throwsCode(() => verifyJwt(`${h}.${evil}.${s}`, key, { now: NOW }), 'ERR_JWT_SIGNATURE');
      const hs = Buffer.from('{"alg":"HS256"}').toString('base64url');
      throwsCode(() => verifyJwt(`${hs}.${evil}.${s}`, key, { now: NOW }), 'ERR_JWT_ALGORITHM');
      for (const bad of ['', 'x', 'a.b', 'a.b.c', `${jwt}.x`, '\u0000.\u0000.\u0000']) {
        throwsCode(() => verifyJwt(bad, key, { now: NOW }), 'ERR_JWT_MALFORMED');
        throwsCode(() => decodeJwt(bad), 'ERR_JWT_MALFORMED');
      }
      throwsCode(() => decodeJwt('a'.repeat(20000)), 'ERR_INPUT_TOO_LARGE');
      key.free();
    });

    test('defaults().maxKeyBytes is the bound the core reads a key to', () => {
      const { maxKeyBytes } = defaults();
      const padded = (size) => { const json = fixture('key-2048.json'); return json + ' '.repeat(size - Buffer.byteLength(json)); };
      parseKey(padded(maxKeyBytes)).free();
      throwsCode(() => parseKey(padded(maxKeyBytes + 1)), 'ERR_INPUT_TOO_LARGE');
      assert.equal(checkKey(padded(maxKeyBytes + 1)).ok, false);
    });

    test('checkKey reports each check; never throws for a bad key', () => {
      const good = checkKey(fixture('key-4096.json'));
      assert.equal(good.ok, true);
      assert.deepEqual(good.checks.map((c) => c.id), [
        'json', 'fields', 'private_key', 'rsa', 'key_size', 'key_algorithm', 'public_key', 'preamble_id', 'sign_verify',
      ]);
      assert.ok(good.checks.every((c) => c.ok && c.verdict === 'pass' && c.message));
      assert.deepEqual(Object.keys(good.checks[0]), ['id', 'ok', 'verdict', 'message'], 'no code on a passing check');
      const small = checkKey(fixture('rejects/rsa-1024.json'));
      assert.equal(small.ok, false);
      const failed = small.checks.find((c) => !c.ok);
      assert.deepEqual([failed.id, failed.code, failed.verdict], ['key_size', 'ERR_KEY_TOO_SMALL', 'fail']);
      assert.equal(checkKey('not json').checks[0].code, 'ERR_KEY_NOT_JSON');
      for (const [, text] of fixtureDir('rejects')) assert.equal(checkKey(text).ok, false);
    });

    test('a parsed key shows no secret and is wiped by free()', () => {
      const key = parseKey(fixture('key-2048.json'));
      for (const view of [JSON.stringify(key), inspect(key, { showHidden: true, depth: 5 }), String(key), Object.keys(key).join()]) {
        assertNoSecret(view, secrets, assert);
        assert.ok(!/PRIVATE|BEGIN/.test(view), view);
      }
      assert.ok(Object.isFrozen(key));
      assert.equal(key.usable, true);
      key.free();
      assert.equal(key.usable, false);
      throwsCode(() => signJwt(key), 'ERR_KEY_FREED');
      throwsCode(() => verifyJwt('a.b.c', key), 'ERR_KEY_FREED');
      key.free(); // twice is harmless
      const disposable = parseKey(fixture('key-2048.json'));
      disposable[Symbol.dispose]();
      assert.equal(disposable.usable, false);
    });

    test('ERROR_CODES lists every code', () => {
      for (const code of ['ERR_KEY_NOT_JSON', 'ERR_JWT_EXPIRED', 'ERR_KEY_FREED', 'ERR_INTERNAL']) {
        assert.ok(ERROR_CODES.includes(code), code);
      }
    });
  });
}

test('require() hands back the ES module entry itself: one module, one .wasm, one IamJwtError', async () => {
  const { createRequire } = await import('node:module');
  const required = createRequire(import.meta.url)('../../js/node.cjs');
  assert.equal(required, entries['node (js/node.mjs)']);
});

test('import and require refuse an engine without WebAssembly reference types with ERR_UNSUPPORTED_PLATFORM', async () => {
  const { spawnSync } = await import('node:child_process');
  const script = {
    import: `import('${root}js/node.mjs').then(() => console.log('loaded'), (e) => console.log(e.name, e.code, e.message))`,
    require: `try { require('${root}js/node.cjs'); console.log('loaded') } catch (e) { console.log(e.name, e.code, e.message) }`,
  };
  for (const [entry, code] of Object.entries(script)) {
    const r = spawnSync(process.execPath, ['-e', code], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--import=data:text/javascript,WebAssembly.validate=()=>false' },
    });
    assert.match(r.stdout, /^IamJwtError ERR_UNSUPPORTED_PLATFORM this JavaScript engine lacks WebAssembly reference types/, `${entry}: ${r.stdout}${r.stderr}`);
  }
});

test('require() on a Node that cannot require() ES modules says which Node it needs', async () => {
  const { spawnSync } = await import('node:child_process');
  // --no-experimental-require-module makes this Node behave like Node 18,
  // 20.0–20.18 and 22.0–22.11.
  const r = spawnSync(process.execPath, ['--no-experimental-require-module', '-e',
    `try { require('${root}js/node.cjs'); console.log('loaded') } catch (e) { console.log(e.code, e.cause.code, e.message) }`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ERR_UNSUPPORTED_PLATFORM ERR_REQUIRE_ESM require\('iamjwt'\) needs Node 20\.19, 22\.12 or later, .* this is Node \d+\.\d+\.\d+\. Update Node, or load iamjwt with import/);
});

test('a mistaken huge input (a 100 MB key or JWT) is refused without being copied into wasm memory, which never shrinks', async () => {
  const { spawnSync } = await import('node:child_process');
  // The .wasm's memory, caught as the entry instantiates it.
  const script = `
    let memory;
    const Instance = WebAssembly.Instance;
    WebAssembly.Instance = function (module, imports) {
      const instance = new Instance(module, imports);
      memory ??= Object.values(instance.exports).find((v) => v instanceof WebAssembly.Memory);
      return instance;
    };
    const { parseKey, checkKey, decodeJwt, verifyJwt } = await import('${root}js/node.mjs');
    const before = memory.buffer.byteLength;
    const huge = 'x'.repeat(100 * 1024 * 1024);
    const codes = [];
    for (const call of [() => parseKey(huge), () => decodeJwt(huge), () => verifyJwt(huge, huge), () => parseKey(new TextEncoder().encode(huge))]) {
      try { call(); } catch (e) { codes.push(e.code); }
    }
    codes.push(checkKey(huge).checks[0].message);
    console.log(JSON.stringify({ codes, grewBy: memory.buffer.byteLength - before }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { codes, grewBy } = JSON.parse(r.stdout);
  assert.deepEqual(codes, [...Array(4).fill('ERR_INPUT_TOO_LARGE'), 'the key is larger than 65536 bytes; paste only the key itself']);
  assert.ok(grewBy < 1024 * 1024, `wasm memory grew by ${grewBy} bytes`);
});
