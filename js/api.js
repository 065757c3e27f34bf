// The public API, shared by every entry (Node ESM, Node CJS, browsers).
// Each function passes what it was given to the wasm core, which checks the
// options and holds all the logic, and throws IamJwtError itself. This file
// only reads the clock, turns keys given as bytes or objects into text, and
// picks the signer. The entries load the wasm; nothing here calls it before
// a function is called.
import * as core from '../pkg/iamjwt.js';
import { nativeEngine } from './engine.js';
import { IamJwtError } from './errors.js';
import { handleOf, handles } from './handles.js';

export { IamJwtError };

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

/** Signs with the native engine: the core builds the input, the platform signs, the core verifies and finishes. */
function signNative(owner, handle, options) {
  let native = nativeKeys.get(owner);
  if (!native) {
    const der = handle.exportPkcs8ForNativeEngine();
    try {
      native = nativeEngine().importKey(der);
    } finally {
      der.fill(0);
    }
    nativeKeys.set(owner, native);
  }
  const input = handle.signingInput(options);
  let signature;
  try {
    signature = nativeEngine().sign(native, new TextEncoder().encode(input));
  } catch (error) {
    throw new IamJwtError('ERR_CRYPTO', `the native RSA-PSS signer failed: ${error?.message ?? error}`, { cause: error });
  }
  return handle.finishJwt(input, signature);
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

/** Parses an authorized key file once, for many signatures. */
export function parseKey(json) {
  return new AuthorizedKey(core.KeyHandle.fromJson(keyText(json)));
}

/**
 * Signs the PS256 JWT that IAM exchanges for an IAM token. `engine`:
 * `'auto'` (default: the platform's RSA-PSS where there is one, else wasm),
 * `'native'` or `'wasm'`. Either way the core parses the key and builds the JWT.
 */
export function signJwt(keyOrJson, options = {}) {
  const opts = withNow(options);
  const key = keyOrJson instanceof AuthorizedKey ? keyOrJson : parseKey(keyOrJson);
  try {
    const handle = handleOf(key);
    const use = pickEngine(opts.engine);
    return use === 'native' ? signNative(key, handle, opts) : handle.signJwt(opts);
  } finally {
    if (key !== keyOrJson) key.free();
  }
}

/** Decodes a JWT without checking it: `{ header, payload }`, in the JWT's own member order. */
export function decodeJwt(jwt) {
  return core.decodeJwt(jwt);
}

/**
 * Verifies a PS256 JWT: the signature, its lifetime, and `kid`/`iss` when the
 * key names them. Throws an IamJwtError when anything is wrong.
 */
export function verifyJwt(jwt, keyOrPublicPem, options = {}) {
  const opts = withNow(options);
  if (keyOrPublicPem instanceof AuthorizedKey) return handleOf(keyOrPublicPem).verifyJwt(jwt, opts);
  return core.verifyJwtWithText(jwt, keyText(keyOrPublicPem), opts);
}

/** The offline key check: `{ ok, checks: [{ id, ok, verdict, message, code? }] }`. */
export function checkKey(json, options = {}) {
  return core.checkKey(keyText(json), withNow(options));
}

/** The core's defaults: `{ audience, endpoint, ttl, maxTtl, leeway }`. */
export function defaults() {
  return core.defaults();
}

/** Every error code the library can throw, core and JS, and the CLI's. */
export { ERROR_CODES } from './errors.js';
