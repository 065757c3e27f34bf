// The public API, shared by every entry (Node ESM, Node CJS, browsers).
// Each function converts its JS arguments and calls the wasm core; the core
// holds all the logic. The entries load the wasm; nothing here calls it
// before a function is called.
import * as core from '../pkg/iamjwt.js';
import { nativeEngine } from './engine.js';
import { callCore as call, IamJwtError } from './errors.js';

export { IamJwtError };

const handles = new WeakMap();
const nativeKeys = new WeakMap();

/** The engine `signJwt` uses by default: `'native'` where the platform has one, else `'wasm'`. */
export function defaultEngine() {
  return nativeEngine() ? 'native' : 'wasm';
}

function pickEngine(engine) {
  const wanted = engine ?? 'auto';
  if (wanted === 'wasm') return 'wasm';
  if (wanted === 'native' && !nativeEngine()) {
    throw new IamJwtError('ERR_OPTION_INVALID', 'engine \'native\' is not available here; use \'wasm\' or \'auto\'');
  }
  if (wanted === 'native' || wanted === 'auto') return nativeEngine() ? 'native' : 'wasm';
  throw new IamJwtError('ERR_OPTION_INVALID', "engine must be 'auto', 'native' or 'wasm'");
}

/** Signs with the native engine: the core builds the input, the platform signs, the core finishes. */
function signNative(owner, handle, args) {
  let native = nativeKeys.get(owner);
  if (!native) {
    const der = call(() => handle.exportPkcs8ForNativeEngine());
    try {
      native = nativeEngine().importKey(der);
    } finally {
      der.fill(0);
    }
    nativeKeys.set(owner, native);
  }
  const input = call(() => handle.signingInput(...args));
  let signature;
  try {
    signature = nativeEngine().sign(native, new TextEncoder().encode(input));
  } catch (error) {
    throw new IamJwtError('ERR_CRYPTO', `the native RSA-PSS signer failed: ${error?.message ?? error}`, { cause: error });
  }
  // The core verifies the platform's signature before it finishes the JWT.
  return call(() => handle.finishJwt(input, signature));
}

/** A key as text: a string, bytes, or an already parsed JSON object. */
function keyText(input, what = 'key') {
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) return new TextDecoder().decode(input);
  if (input instanceof ArrayBuffer) return new TextDecoder().decode(new Uint8Array(input));
  if (input && typeof input === 'object' && !handles.has(input)) return JSON.stringify(input);
  throw new IamJwtError('ERR_OPTION_INVALID', `${what} must be the authorized key JSON (a string, bytes or an object)`);
}

/** Seconds since the epoch from a number of seconds, a Date, or now. */
function seconds(value, name) {
  if (value === undefined || value === null) return Date.now() / 1000;
  if (value instanceof Date) return value.getTime() / 1000;
  if (typeof value === 'number') return value;
  throw new IamJwtError('ERR_OPTION_INVALID', `${name} must be a number of seconds since the epoch or a Date`);
}

function number(value, name, fallback) {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') return value;
  throw new IamJwtError('ERR_OPTION_INVALID', `${name} must be a number of seconds`);
}

function string(value, name) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  throw new IamJwtError('ERR_OPTION_INVALID', `${name} must be a string`);
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
    const info = call(() => handle.info());
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
    if (handle) {
      handles.delete(this);
      nativeKeys.delete(this);
      handle.free();
    }
  }

  /** True until `free()`. */
  get usable() {
    return handles.has(this);
  }

  [Symbol.dispose]() {
    this.free();
  }
}

function handleOf(key) {
  const handle = handles.get(key);
  if (!handle) throw new IamJwtError('ERR_KEY_FREED', 'this key was freed; parse the key again');
  return handle;
}

/** Parses an authorized key file once, for many signatures. */
export function parseKey(json) {
  const text = keyText(json);
  return new AuthorizedKey(call(() => core.KeyHandle.fromJson(text)));
}

/**
 * Signs the PS256 JWT that IAM exchanges for an IAM token. `engine`:
 * `'auto'` (default: the platform's RSA-PSS where there is one, else wasm),
 * `'native'` or `'wasm'`. Either way the core parses the key and builds the JWT.
 */
export function signJwt(keyOrJson, options = {}) {
  const { now, ttl, audience, engine } = options ?? {};
  const args = [seconds(now, 'now'), number(ttl, 'ttl', defaults().ttl), string(audience, 'audience')];
  const use = pickEngine(engine);
  const key = keyOrJson instanceof AuthorizedKey ? keyOrJson : parseKey(keyOrJson);
  try {
    const handle = handleOf(key);
    return use === 'native' ? signNative(key, handle, args) : call(() => handle.signJwt(...args));
  } finally {
    if (key !== keyOrJson) key.free();
  }
}

/** Decodes a JWT without checking it. */
export function decodeJwt(jwt) {
  return call(() => core.decodeJwt(string(jwt, 'jwt') ?? ''));
}

/**
 * Verifies a PS256 JWT: the signature, its lifetime, and `kid`/`iss` when the
 * key names them. Throws an IamJwtError when anything is wrong.
 */
export function verifyJwt(jwt, keyOrPublicPem, options = {}) {
  const { now, leeway, audience } = options ?? {};
  const token = string(jwt, 'jwt') ?? '';
  const args = [seconds(now, 'now'), number(leeway, 'leeway', defaults().leeway), string(audience, 'audience')];
  if (keyOrPublicPem instanceof AuthorizedKey) {
    const handle = handleOf(keyOrPublicPem);
    return call(() => handle.verifyJwt(token, ...args));
  }
  const text = keyText(keyOrPublicPem);
  return call(() => core.verifyJwtWithText(token, text, ...args));
}

/** The offline key check: `{ ok, checks: [{ id, ok, verdict, message, code? }] }`. */
export function checkKey(json, options = {}) {
  const text = keyText(json);
  return call(() => core.checkKey(text, seconds(options?.now, 'now')));
}

/** The core's defaults: `{ audience, ttl, maxTtl, leeway }`. */
export function defaults() {
  return core.defaults();
}

/** Every error code the library can throw, core and JS. */
export { ERROR_CODES } from './errors.js';
