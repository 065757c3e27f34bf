// IamJwtError and the stable error codes.
//
// Switch on `error.code`, never on the message: codes are stable, messages
// may be reworded. The core's codes come from its one table (src/error.rs),
// written to pkg/error-codes.js when the .wasm is built; the core throws
// its errors as this very class (coreError, which the bindings import).
import { CORE_ERROR_CODES } from '../pkg/error-codes.js';

export { CORE_ERROR_CODES };

/** Codes of the JS layer: a freed key, network failures, an engine that cannot run the .wasm, a .wasm not loaded yet, a file that cannot be read, an optional package (iamjwt/ydb's SDKs) not installed. */
export const JS_ERROR_CODES = Object.freeze(['ERR_KEY_FREED', 'ERR_FETCH_FAILED', 'ERR_TIMEOUT', 'ERR_ABORTED', 'ERR_UNSUPPORTED_PLATFORM', 'ERR_WASM_NOT_LOADED', 'ERR_INPUT_READ', 'ERR_DEPENDENCY_MISSING']);

/** Codes only the command line prints: misuse, a port in use. */
export const CLI_ERROR_CODES = Object.freeze(['ERR_USAGE', 'ERR_PORT_IN_USE']);

/** Every code an IamJwtError can carry, and the CLI can print. */
export const ERROR_CODES = Object.freeze([...CORE_ERROR_CODES, ...JS_ERROR_CODES, ...CLI_ERROR_CODES]);

/** Why a file could not be read, from Node's error code, for a one-line message (the CLI's and the subject token file's). */
export function unreadableWhy(error) {
  const why = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a directory', ENAMETOOLONG: 'the name is too long' };
  return why[error?.code] ?? error?.code ?? error?.message ?? 'unreadable';
}

/** The one error class of the library: `code` is stable, `message` is one line. */
export class IamJwtError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'IamJwtError';
    this.code = code;
  }
}

/**
 * What the core throws (src/wasm/bindings.rs, `From<Error> for JsValue`):
 * an IamJwtError with the core's code and message, and the details it
 * carries (an IAM refusal's `status`, `grpcCode` and `requestId`).
 */
export function coreError(code, message, details) {
  return Object.assign(new IamJwtError(code, message), details);
}
