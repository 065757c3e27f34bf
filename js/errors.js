// IamJwtError and the stable error codes.
//
// Switch on `error.code`, never on the message: codes are stable, messages
// may be reworded. The core's codes are listed in src/error.rs; a test checks
// that this list has every one of them.

/** Codes the Rust core gives (src/error.rs ERROR_CODES). */
export const CORE_ERROR_CODES = Object.freeze([
  'ERR_INPUT_TOO_LARGE',
  'ERR_KEY_NOT_JSON',
  'ERR_KEY_FIELD_MISSING',
  'ERR_KEY_FIELD_INVALID',
  'ERR_KEY_WRONG_KIND',
  'ERR_KEY_USER_ACCOUNT',
  'ERR_KEY_NOT_RSA',
  'ERR_KEY_ENCRYPTED',
  'ERR_KEY_TOO_SMALL',
  'ERR_KEY_UNSUPPORTED',
  'ERR_KEY_CORRUPT',
  'ERR_KEY_MISMATCH',
  'ERR_OPTION_INVALID',
  'ERR_JWT_MALFORMED',
  'ERR_JWT_ALGORITHM',
  'ERR_JWT_SIGNATURE',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_LIFETIME',
  'ERR_JWT_CLAIM_INVALID',
  'ERR_IAM_REJECTED',
  'ERR_RESPONSE_NOT_JSON',
  'ERR_RESPONSE_INVALID',
  'ERR_METADATA_REJECTED',
  'ERR_RNG',
  'ERR_CRYPTO',
  'ERR_INTERNAL',
]);

/** Codes of the JS layer: a freed key, network failures, a failure inside wasm itself, and an engine that cannot run the .wasm. */
export const JS_ERROR_CODES = Object.freeze(['ERR_KEY_FREED', 'ERR_FETCH_FAILED', 'ERR_TIMEOUT', 'ERR_ABORTED', 'ERR_UNSUPPORTED_PLATFORM']);

/** Every code an IamJwtError can carry. */
export const ERROR_CODES = Object.freeze([...CORE_ERROR_CODES, ...JS_ERROR_CODES]);

/** The one error class of the library: `code` is stable, `message` is one line. */
export class IamJwtError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'IamJwtError';
    this.code = code;
  }
}

/** Wraps what the core threw: its IamJwtError-named errors keep their code. */
export function toIamJwtError(error) {
  if (error instanceof IamJwtError) return error;
  if (error && error.name === 'IamJwtError' && typeof error.code === 'string') {
    const wrapped = new IamJwtError(error.code, error.message);
    // IAM refusals carry the HTTP status, the gRPC code and the request id.
    for (const field of ['status', 'grpcCode', 'requestId']) {
      if (error[field] !== undefined) wrapped[field] = error[field];
    }
    return wrapped;
  }
  // A wasm trap or a binding failure: never shown raw to users.
  return new IamJwtError('ERR_INTERNAL', `internal error in the iamjwt core: ${error?.message ?? error}`, { cause: error });
}

/** Runs a core call, turning whatever it throws into an IamJwtError. */
export function callCore(fn) {
  try {
    return fn();
  } catch (error) {
    throw toIamJwtError(error);
  }
}
