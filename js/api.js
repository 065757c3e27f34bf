// The public API, shared by every entry (Node, Deno, Bun, Workers,
// browsers). Each function passes what it was given to the wasm core, which
// checks the options and holds all the logic, and throws IamJwtError
// itself. This file only reads the clock, turns keys given as bytes or
// objects into text, and picks the signer. The entries load the wasm;
// nothing here calls it before a function is called.
import * as core from '../pkg/iamjwt.js';
import { nativeEngine, webCryptoEngine } from './engine.js';
import { IamJwtError } from './errors.js';
import { handleOf, handles } from './handles.js';
import { ensureLoaded } from './loaded.js';

export { IamJwtError };

/** Per parsed key, the key each platform signer imported (a CryptoKey's promise for WebCrypto). */
const platformKeys = { native: new WeakMap(), webcrypto: new WeakMap() };

/** The engine `signJwt` uses by default: `'native'` where the platform has one (Node, Deno, Bun), else `'wasm'`. */
export function defaultEngine() {
  return nativeEngine() ? 'native' : 'wasm';
}

/**
 * The engine `signJwtAsync` and the token sources use by default:
 * node:crypto, then WebCrypto, then wasm; WebCrypto first where the native
 * engine says loading it costs more than it saves (Deno, whose Node layer
 * takes 30–45 ms to start: bench/levers.md).
 */
export function defaultAsyncEngine() {
  const native = nativeEngine();
  if (native && !native.slowToLoad) return 'native';
  return webCryptoEngine() ? 'webcrypto' : native ? 'native' : 'wasm';
}

const ENGINES = { native: nativeEngine, webcrypto: webCryptoEngine };

function pickEngine(engine, async) {
  const wanted = engine ?? 'auto';
  if (wanted === 'auto') return async ? defaultAsyncEngine() : defaultEngine();
  if (wanted === 'wasm') return 'wasm';
  if (wanted === 'native' || (async && wanted === 'webcrypto')) {
    if (!ENGINES[wanted]()) {
      throw new IamJwtError('ERR_OPTION_INVALID', `engine '${wanted}' is not available here; use 'wasm' or 'auto'`);
    }
    return wanted;
  }
  throw new IamJwtError('ERR_OPTION_INVALID', async
    ? "engine must be 'auto', 'native', 'webcrypto' or 'wasm'"
    : "engine must be 'auto', 'native' or 'wasm' (WebCrypto is async: signJwtAsync)");
}

/**
 * The platform signer's own copy of the key, imported once from the key's
 * DER (in the engine's format) and the public JWK the core gave; `null` for
 * a file whose CRT values are not its own, which the wasm engine signs.
 */
function platformKey(name, owner, handle) {
  let key = platformKeys[name].get(owner);
  if (key === undefined) {
    const engine = ENGINES[name]();
    const der = handle.exportKeyForPlatform(engine.format);
    if (der === undefined) {
      key = null;
    } else {
      try {
        // The public JWK only for an engine that asks for it (WebCrypto).
        key = engine.importKey(der, () => JSON.parse(handle.publicJwkForPlatform()));
      } catch (error) {
        der.fill(0);
        throw signerFailed(handle, name, error);
      }
      // WebCrypto reads the bytes before its promise settles.
      if (key instanceof Promise) key.then(() => der.fill(0), () => der.fill(0));
      else der.fill(0);
    }
    platformKeys[name].set(owner, key);
  }
  return key;
}

/**
 * A platform signer failed. The key is parsed and checked, not built by rsa
 * (the platform needs only its DER): if rsa refuses it, that is the reason,
 * and its own error (ERR_KEY_CORRUPT…) is thrown, as the wasm engine would;
 * else the platform is at fault: ERR_CRYPTO.
 */
function signerFailed(handle, name, error) {
  handle.explainPlatformFailure();
  return new IamJwtError('ERR_CRYPTO', `the ${name === 'native' ? 'native' : 'WebCrypto'} RSA-PSS signer failed: ${error?.message ?? error}`, { cause: error });
}

/**
 * The JWT, once the signature verifies: by the platform's own public
 * operation when its engine has one (in Node and Bun a tenth of what the
 * core's takes in wasm, in Deno two thirds: bench/levers.md), else by the
 * core (`finishJwt`). A signature that does not verify never becomes a JWT.
 */
function finishChecked(handle, input, signature, verified) {
  if (verified === undefined) return handle.finishJwt(input, signature);
  if (verified !== true) {
    handle.explainPlatformFailure();
    throw new IamJwtError('ERR_CRYPTO', 'the RSA operation failed its check, so nothing was signed');
  }
  return handle.finishPlatformVerifiedJwt(input, signature);
}

/** Signs with the native engine: the core builds the input, the platform signs and checks the signature, the core finishes. */
function signNative(owner, handle, options) {
  const key = platformKey('native', owner, handle);
  if (key === null) return handle.signJwt(options);
  const input = handle.signingInput(options);
  const engine = nativeEngine();
  const data = new TextEncoder().encode(input);
  let signature;
  let verified;
  try {
    signature = engine.sign(key, data);
    verified = engine.verify?.(key, data, signature);
  } catch (error) {
    throw signerFailed(handle, 'native', error);
  }
  return finishChecked(handle, input, signature, verified);
}

/** The same with WebCrypto, whose import and signing are async. */
async function signWebCrypto(owner, handle, options) {
  const input = handle.signingInput(options);
  const engine = webCryptoEngine();
  const data = new TextEncoder().encode(input);
  let signature;
  let verified;
  try {
    const key = await platformKey('webcrypto', owner, handle);
    // The key may have been freed while WebCrypto imported it.
    if (key === null) return handleOf(owner).signJwt(options);
    signature = await engine.sign(key, data);
    verified = await engine.verify?.(key, data, signature);
  } catch (error) {
    platformKeys.webcrypto.delete(owner);
    throw error instanceof IamJwtError ? error : signerFailed(handleOf(owner), 'webcrypto', error);
  }
  // The key may have been freed while WebCrypto signed.
  return finishChecked(handleOf(owner), input, signature, verified);
}

/** A key as text: a string, bytes, or an already parsed JSON object. */
function keyText(input, what = 'key') {
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) return new TextDecoder().decode(input);
  if (input instanceof ArrayBuffer) return new TextDecoder().decode(new Uint8Array(input));
  if (input && typeof input === 'object' && !handles.has(input)) return JSON.stringify(input);
  throw new IamJwtError('ERR_OPTION_INVALID', `${what} must be the authorized key JSON (a string, bytes or an object)`);
}

/**
 * The options with `now` as seconds since the epoch: the clock is read here
 * (the core has none), and a Date is turned into seconds. Any other value
 * goes to the core, which says what is wrong with it.
 */
function withNow(options) {
  // Not an object: the core says so.
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) return options;
  const given = options ?? {};
  const { now } = given;
  const seconds = now === undefined || now === null ? Date.now() / 1000 : now instanceof Date ? now.getTime() / 1000 : now;
  return { ...given, now: seconds };
}

/**
 * A parsed authorized key. It carries only public facts; the private key
 * stays inside wasm memory until `free()`, which wipes it.
 */
export class AuthorizedKey {
  constructor(handle) {
    if (!(handle instanceof core.KeyHandle)) {
      throw new IamJwtError('ERR_OPTION_INVALID', 'use parseKey(json) to make an AuthorizedKey');
    }
    const info = handle.info();
    this.id = info.id;
    this.serviceAccountId = info.serviceAccountId;
    this.keyAlgorithm = info.keyAlgorithm ?? null;
    this.createdAt = info.createdAt ?? null;
    this.modulusBits = info.modulusBits;
    handles.set(this, handle);
    Object.freeze(this);
  }

  /** Wipes the private key from wasm memory. The object cannot sign after. */
  free() {
    const handle = handles.get(this);
    if (handle) release(this, handle);
  }

  /** True until `free()`. */
  get usable() {
    return handles.has(this);
  }

  [Symbol.dispose]() {
    this.free();
  }
}

/** Parses an authorized key file once, for many signatures. */
export function parseKey(json) {
  ensureLoaded();
  return new AuthorizedKey(core.KeyHandle.fromJson(keyText(json)));
}

/**
 * Signs the PS256 JWT that IAM exchanges for an IAM token. `engine`:
 * `'auto'` (default: the platform's RSA-PSS where there is one, else wasm),
 * `'native'` or `'wasm'`. Either way the core parses the key and builds the JWT.
 */
export function signJwt(keyOrJson, options = {}) {
  ensureLoaded();
  const opts = withNow(options);
  const { owner, handle, once } = keyFor(keyOrJson);
  try {
    const use = pickEngine(opts.engine, false);
    return use === 'native' ? signNative(owner, handle, opts) : handle.signJwt(opts);
  } finally {
    if (once) release(owner, handle);
  }
}

/**
 * The same JWT as `signJwt`, signed by the best engine the runtime has
 * (`engine: 'auto'`): node:crypto, then WebCrypto, then wasm; or the one
 * `engine` names (`'native'`, `'webcrypto'`, `'wasm'`).
 */
export async function signJwtAsync(keyOrJson, options = {}) {
  ensureLoaded();
  const opts = withNow(options);
  const { owner, handle, once } = keyFor(keyOrJson);
  try {
    const use = pickEngine(opts.engine, true);
    if (use === 'webcrypto') return await signWebCrypto(owner, handle, opts);
    return use === 'native' ? signNative(owner, handle, opts) : handle.signJwt(opts);
  } finally {
    if (once) release(owner, handle);
  }
}

/**
 * The key to sign with: a parsed key's handle, or, for key text, a handle
 * for this one JWT, owned by a bare object (no AuthorizedKey and its public
 * facts are made for a key that is freed at once).
 */
function keyFor(keyOrJson) {
  if (keyOrJson instanceof AuthorizedKey) return { owner: keyOrJson, handle: handleOf(keyOrJson), once: false };
  const handle = core.KeyHandle.fromJson(keyText(keyOrJson));
  const owner = {};
  handles.set(owner, handle);
  return { owner, handle, once: true };
}

/** Frees a key's handle and forgets what the platform signers imported of it (`AuthorizedKey.free()`, and a one-JWT handle). */
function release(owner, handle) {
  handles.delete(owner);
  platformKeys.native.delete(owner);
  platformKeys.webcrypto.delete(owner);
  handle.free();
}

/** Decodes a JWT without checking it: `{ header, payload }`, in the JWT's own member order. */
export function decodeJwt(jwt) {
  ensureLoaded();
  return core.decodeJwt(jwt);
}

/**
 * Verifies a PS256 JWT: the signature, its lifetime, and `kid`/`iss` when the
 * key names them. Throws an IamJwtError when anything is wrong.
 */
export function verifyJwt(jwt, keyOrPublicPem, options = {}) {
  ensureLoaded();
  const opts = withNow(options);
  if (keyOrPublicPem instanceof AuthorizedKey) return handleOf(keyOrPublicPem).verifyJwt(jwt, opts);
  return core.verifyJwtWithText(jwt, keyText(keyOrPublicPem), opts);
}

/** The offline key check: `{ ok, checks: [{ id, ok, verdict, message, code? }] }`. */
export function checkKey(json, options = {}) {
  ensureLoaded();
  return core.checkKey(keyText(json), withNow(options));
}

/** The core's defaults and bounds: `{ audience, endpoint, ttl, maxTtl, leeway, maxKeyBytes, maxResponseBytes, maxSubjectTokenBytes, federationEndpoint, metadataUrl, paths }`. */
export function defaults() {
  ensureLoaded();
  return core.defaults();
}

/** Every error code the library can throw, core and JS, and the CLI's. */
export { ERROR_CODES } from './errors.js';
