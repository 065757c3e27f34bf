// The one suite, run on every runtime (jose's tap/ way): it receives the
// library as installed from the packed tarball, and the fixtures as data,
// and returns what happened. It asserts nothing itself: the runner in
// Node (tests/js/runtimes.test.mjs) checks the results, and verifies every
// JWT made here with node:crypto and jose.
//
//   run(lib, env) → { platform, defaultEngine, defaultAsyncEngine, engines, results: [{ name, ok, error? }], jwts: [{ bits, engine, jwt }] }
//
// env: { shapes: [[name, text]], rejects: [[name, text, code]], keys: { 2048, 4096 },
//        id, serviceAccountId, tokenUrl, now }

/** The runtime this runs on, with its version, as it names itself (a Worker names no version). */
export function platform() {
  const agent = globalThis.navigator?.userAgent ?? '';
  if (agent === 'Cloudflare-Workers') return 'Cloudflare Workers';
  if (globalThis.Deno?.version) return `Deno ${globalThis.Deno.version.deno}`;
  if (globalThis.Bun?.version) return `Bun ${globalThis.Bun.version}`;
  if (globalThis.process?.versions?.node) return `Node ${globalThis.process.versions.node}`;
  const browser = /(Firefox|Chrome)\/([\d.]+)/.exec(agent);
  return browser ? `${browser[1] === 'Chrome' ? 'Chromium' : 'Firefox'} ${browser[2]}` : agent || 'unknown';
}

export async function run(lib, env) {
  const results = [];
  const jwts = [];
  const engines = { sync: [], async: [] };

  function fail(message) {
    throw new Error(message);
  }
  async function check(name, fn) {
    try {
      await fn();
      results.push({ name, ok: true });
    } catch (error) {
      results.push({ name, ok: false, error: `${error?.name}: ${error?.code ?? ''} ${error?.message ?? error}`.slice(0, 500) });
    }
  }
  /** fn() throws (or rejects with) an IamJwtError with this code. */
  async function throwsCode(fn, code, what) {
    try {
      await fn();
    } catch (error) {
      if (!(error instanceof lib.IamJwtError)) fail(`${what}: not an IamJwtError: ${error?.name} ${error?.message}`);
      if (error.code !== code) fail(`${what}: ${error.code} (${error.message}), not ${code}`);
      if (error.message.includes('\n')) fail(`${what}: a message of more than one line`);
      return;
    }
    fail(`${what}: no error, ${code} expected`);
  }

  await check('init() resolves, and ERROR_CODES lists the codes', async () => {
    await lib.init();
    if (!lib.ERROR_CODES.includes('ERR_KEY_NOT_JSON') || !lib.ERROR_CODES.includes('ERR_WASM_NOT_LOADED')) fail('ERROR_CODES');
  });

  await check('every key shape parses to the same key', () => {
    if (env.shapes.length < 15) fail(`${env.shapes.length} shapes`);
    for (const [name, text] of env.shapes) {
      const key = lib.parseKey(text);
      const facts = [key.id, key.serviceAccountId, key.modulusBits].join(' ');
      if (facts !== `${env.id} ${env.serviceAccountId} 2048`) fail(`${name}: ${facts}`);
      key.free();
    }
  });

  await check('every bad key throws its code', async () => {
    for (const [name, text, code] of env.rejects) await throwsCode(() => lib.parseKey(text), code, name);
  });

  // Each engine there is, found by asking for it: one that is missing says so.
  const available = async (engine, async) => {
    try {
      const key = lib.parseKey(env.keys[2048]);
      try {
        if (async) await lib.signJwtAsync(key, { engine, now: env.now });
        else lib.signJwt(key, { engine, now: env.now });
      } finally {
        key.free();
      }
      return true;
    } catch (error) {
      if (error?.code === 'ERR_OPTION_INVALID' && /not available/.test(error.message)) return false;
      throw error;
    }
  };
  await check('the engines there are', async () => {
    for (const engine of ['native', 'wasm']) if (await available(engine, false)) engines.sync.push(engine);
    for (const engine of ['native', 'webcrypto', 'wasm']) if (await available(engine, true)) engines.async.push(engine);
  });

  for (const bits of [2048, 4096]) {
    await check(`RSA-${bits}: every engine signs a JWT that verifies here`, async () => {
      const key = lib.parseKey(env.keys[bits]);
      const options = { now: env.now, ttl: 600 };
      const made = [];
      for (const engine of engines.sync) made.push([`signJwt ${engine}`, lib.signJwt(key, { ...options, engine })]);
      for (const engine of engines.async) made.push([`signJwtAsync ${engine}`, await lib.signJwtAsync(key, { ...options, engine })]);
      made.push(['signJwtAsync auto', await lib.signJwtAsync(key, options)]);
      for (const [engine, jwt] of made) {
        const { header, payload } = lib.verifyJwt(jwt, key, { now: env.now });
        if (header.kid !== key.id || payload.exp - payload.iat !== 600) fail(`${engine}: ${JSON.stringify(payload)}`);
        jwts.push({ bits, engine, jwt });
      }
      key.free();
    });
  }

  await check('checkKey passes a good key and fails a bad one', () => {
    const good = lib.checkKey(env.keys[4096], { now: env.now });
    if (!good.ok || good.checks.length !== 9) fail(JSON.stringify(good));
    const bad = lib.checkKey(env.rejects.find(([name]) => name === 'rsa-1024.json')[1], { now: env.now });
    if (bad.ok || bad.checks.find((c) => !c.ok).code !== 'ERR_KEY_TOO_SMALL') fail(JSON.stringify(bad));
  });

  await check('decodeJwt gives the JWT\'s own member order', () => {
    const { header, payload } = lib.decodeJwt(lib.signJwt(env.keys[2048], { now: env.now, engine: 'wasm' }));
    if (Object.keys(header).join() !== 'typ,alg,kid' || Object.keys(payload).join() !== 'iss,aud,iat,exp') {
      fail(`${Object.keys(header)} ${Object.keys(payload)}`);
    }
  });

  await check('bad input: codes for a malformed JWT, a bad option, a freed key', async () => {
    await throwsCode(() => lib.decodeJwt('not.a.jwt'), 'ERR_JWT_MALFORMED', 'decodeJwt');
    const key = lib.parseKey(env.keys[2048]);
    await throwsCode(() => lib.signJwt(key, { ttl: 7200 }), 'ERR_OPTION_INVALID', 'ttl 7200');
    await throwsCode(() => lib.signJwt(key, { tll: 60 }), 'ERR_OPTION_INVALID', 'an unknown option');
    key.free();
    if (key.usable) fail('usable after free()');
    await throwsCode(() => lib.signJwt(key), 'ERR_KEY_FREED', 'signJwt after free()');
    await throwsCode(() => lib.signJwtAsync(key), 'ERR_KEY_FREED', 'signJwtAsync after free()');
  });

  await check('a token from the local emulator, through a token source and this runtime\'s fetch', async () => {
    const source = lib.serviceAccountTokenSource(env.keys[2048], { endpoint: env.tokenUrl, retry: { attempts: 1 } });
    const { token, expiresAt } = await source.getTokenInfo();
    if (!token.startsWith('t1.emulated.') || !(expiresAt instanceof Date)) fail(`${token} ${expiresAt}`);
    if (await source.getToken() !== token) fail('the second call asked again');
    source.key.free();
  });

  return {
    platform: platform(),
    defaultEngine: lib.defaultEngine(),
    defaultAsyncEngine: lib.defaultAsyncEngine(),
    engines,
    results,
    jwts,
  };
}
