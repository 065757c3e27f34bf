// Types of the iamjwt package. The same API on every entry (Node ESM, Node
// CJS, browsers).

/**
 * Every code an {@link IamJwtError} can carry, and the command line can
 * print (`ERR_USAGE`, `ERR_INPUT_READ`, `ERR_PORT_IN_USE`). Switch on it;
 * messages may change.
 */
export type IamJwtErrorCode =
  | 'ERR_INPUT_TOO_LARGE'
  | 'ERR_KEY_NOT_JSON'
  | 'ERR_KEY_FIELD_MISSING'
  | 'ERR_KEY_FIELD_INVALID'
  | 'ERR_KEY_WRONG_KIND'
  | 'ERR_KEY_USER_ACCOUNT'
  | 'ERR_KEY_NOT_RSA'
  | 'ERR_KEY_ENCRYPTED'
  | 'ERR_KEY_TOO_SMALL'
  | 'ERR_KEY_UNSUPPORTED'
  | 'ERR_KEY_CORRUPT'
  | 'ERR_KEY_MISMATCH'
  | 'ERR_OPTION_INVALID'
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWT_ALGORITHM'
  | 'ERR_JWT_SIGNATURE'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_LIFETIME'
  | 'ERR_JWT_CLAIM_INVALID'
  | 'ERR_IAM_REJECTED'
  | 'ERR_RESPONSE_NOT_JSON'
  | 'ERR_RESPONSE_INVALID'
  | 'ERR_METADATA_REJECTED'
  | 'ERR_OIDC_UNAVAILABLE'
  | 'ERR_INSECURE_URL'
  | 'ERR_SUBJECT_TOKEN_INVALID'
  | 'ERR_RNG'
  | 'ERR_CRYPTO'
  | 'ERR_KEY_FREED'
  | 'ERR_UNSUPPORTED_PLATFORM'
  | 'ERR_FETCH_FAILED'
  | 'ERR_TIMEOUT'
  | 'ERR_ABORTED'
  | 'ERR_INTERNAL'
  | 'ERR_WASM_NOT_LOADED'
  | 'ERR_USAGE'
  | 'ERR_INPUT_READ'
  | 'ERR_DEPENDENCY_MISSING'
  | 'ERR_PORT_IN_USE';

/** The one error class: a stable `code` and a one-line `message`. */
export class IamJwtError extends Error {
  readonly name: 'IamJwtError';
  readonly code: IamJwtErrorCode;
  /** ERR_IAM_REJECTED: the HTTP status. */
  readonly status?: number;
  /** ERR_IAM_REJECTED: IAM's gRPC code (16 is UNAUTHENTICATED). */
  readonly grpcCode?: number;
  /** ERR_IAM_REJECTED: IAM's request id, for support. */
  readonly requestId?: string;
  /** ERR_IAM_REJECTED from federation's token exchange: OAuth's error code (`invalid_grant`, …). */
  readonly oauthError?: string;
}

/** Every error code: the core's (from its one table), the JS layer's and the command line's. */
export const ERROR_CODES: readonly IamJwtErrorCode[];

/** An authorized key file: its JSON text, its bytes, or the parsed object. */
export type KeyInput = string | Uint8Array | ArrayBuffer | Record<string, unknown>;

/**
 * A parsed authorized key. Only public facts are visible; the private key
 * stays in wasm memory until {@link AuthorizedKey.free} wipes it.
 *
 * @example
 * ```js
 * import { parseKey, signJwt } from 'iamjwt';
 * const key = parseKey(fs.readFileSync('key.json', 'utf8'));
 * const jwt = signJwt(key);          // as many as you like
 * key.free();                        // wipes the private key
 * ```
 */
export class AuthorizedKey {
  private constructor();
  /** The key id, the JWT's `kid`. */
  readonly id: string;
  /** The service account id, the JWT's `iss`. */
  readonly serviceAccountId: string;
  /** `RSA_2048` or `RSA_4096` as the file says, or null. */
  readonly keyAlgorithm: string | null;
  /** `created_at` as the file says, or null. */
  readonly createdAt: string | null;
  /** The real modulus size in bits. */
  readonly modulusBits: number;
  /** False after {@link AuthorizedKey.free}. */
  readonly usable: boolean;
  /** Wipes the private key; signing with this object afterwards throws `ERR_KEY_FREED`. */
  free(): void;
  [Symbol.dispose](): void;
}

/** Parses an authorized key file once, to sign many JWTs. */
export function parseKey(json: KeyInput): AuthorizedKey;

export interface SignOptions {
  /** `iat`: seconds since the epoch, or a Date. Default: now. */
  now?: number | Date;
  /** `exp - iat` in seconds, 1 to 3600. Default 3600. */
  ttl?: number;
  /** `aud`. Default: `endpoint` when given, else `https://iam.api.cloud.yandex.net/iam/v1/tokens`. */
  audience?: string;
  /** The IAM token URL the JWT will be exchanged at; its `aud` unless `audience` is given. */
  endpoint?: string;
  /**
   * Who does the RSA operation. `'auto'` (default): the platform's RSA-PSS
   * where the entry has one (Node: node:crypto), else wasm. The core parses
   * the key and builds the JWT either way.
   */
  engine?: 'auto' | 'native' | 'wasm';
}

/**
 * Signs the PS256 JWT that Yandex Cloud IAM exchanges for an IAM token.
 *
 * @example
 * ```js
 * const jwt = signJwt(fs.readFileSync('key.json', 'utf8'), { ttl: 600 });
 * ```
 */
export function signJwt(key: AuthorizedKey | KeyInput, options?: SignOptions): string;

/** A JWT's header and payload, members in the JWT's own order. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/** The engine `signJwt` uses by default here: `'native'` in Node, Deno and Bun, `'wasm'` elsewhere. */
export function defaultEngine(): 'native' | 'wasm';

/** The engine `signJwtAsync` and the token sources use by default here: node:crypto, then WebCrypto, then wasm (in Deno, WebCrypto first). */
export function defaultAsyncEngine(): 'native' | 'webcrypto' | 'wasm';

export interface SignAsyncOptions extends Omit<SignOptions, 'engine'> {
  /** `'auto'` (default): node:crypto, then WebCrypto, then wasm (in Deno, WebCrypto first); or the one named. */
  engine?: 'auto' | 'native' | 'webcrypto' | 'wasm';
}

/**
 * The same JWT as {@link signJwt}, signed by the best engine the runtime
 * has: node:crypto, then WebCrypto (browsers, Workers), then wasm.
 *
 * @example
 * ```js
 * const jwt = await signJwtAsync(key, { ttl: 600 });
 * ```
 */
export function signJwtAsync(key: AuthorizedKey | KeyInput, options?: SignAsyncOptions): Promise<string>;

/**
 * Loads the .wasm: from its URL, a Response, its bytes or a compiled
 * WebAssembly.Module. Node, Deno, Bun and Workers have it loaded before any
 * call; the browser entry loads `iamjwt_bg.wasm` beside the package at
 * import, and this loads it from anywhere else (an esbuild app's copy, say).
 * Until it is loaded, calls throw `ERR_WASM_NOT_LOADED`.
 *
 * @example
 * ```js
 * import { init, signJwtAsync } from 'iamjwt';
 * import wasmUrl from 'iamjwt/iamjwt_bg.wasm'; // esbuild --loader:.wasm=file
 * await init(wasmUrl);
 * ```
 */
export function init(input?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<void>;

/** Decodes a JWT without checking anything. */
export function decodeJwt(jwt: string): DecodedJwt;

export interface VerifyOptions {
  /** The time to check against: seconds since the epoch, or a Date. Default: now. */
  now?: number | Date;
  /** Clock skew allowed, in seconds. Default 60. */
  leeway?: number;
  /** The `aud` required, if any. */
  audience?: string;
}

/**
 * Verifies a PS256 JWT: signature (salt 32), `exp - iat <= 3600`, not expired,
 * not issued in the future, and `kid`/`iss` when the key names them. Throws
 * an {@link IamJwtError} otherwise.
 *
 * @param key an AuthorizedKey, an authorized key file, a public key
 *   description (`yc iam key get`), or a public-key PEM.
 */
export function verifyJwt(jwt: string, key: AuthorizedKey | KeyInput, options?: VerifyOptions): DecodedJwt;

export interface KeyCheck {
  /** `json`, `fields`, `private_key`, `rsa`, `key_size`, `key_algorithm`, `public_key`, `preamble_id`, `sign_verify`. */
  id: string;
  /** False only when the check failed. */
  ok: boolean;
  verdict: 'pass' | 'fail' | 'skip';
  message: string;
  /** The error code behind a failure. */
  code?: IamJwtErrorCode;
}

export interface KeyReport {
  /** True when no check failed: the key can mint tokens. */
  ok: boolean;
  checks: KeyCheck[];
}

/** The offline key check. Never throws for a bad key: the report says what is wrong. */
export function checkKey(json: KeyInput, options?: { now?: number | Date }): KeyReport;

/** The core's defaults. */
export function defaults(): {
  audience: string; endpoint: string; ttl: number; maxTtl: number; leeway: number;
  /** The largest key text (its JSON, base64 or PEM) the core reads (ERR_INPUT_TOO_LARGE). */
  maxKeyBytes: number;
  /** The largest answer a token source reads; a larger one is abandoned as it streams (ERR_RESPONSE_INVALID). */
  maxResponseBytes: number;
  /** The largest subject token, or subject token file (ERR_SUBJECT_TOKEN_INVALID). */
  maxSubjectTokenBytes: number;
  /** Workload identity federation's token exchange. */
  federationEndpoint: string;
  /** The VM metadata service. */
  metadataUrl: string;
  /** Each token service's path. */
  paths: { iam: string; federation: string; gce: string; ec2: string; ibmInstance: string; ibmIam: string };
};

// ---- Getting IAM tokens ----

/** An IAM (or metadata) token and when it expires. */
export interface TokenInfo {
  token: string;
  /** As the server said, but never more than 12 hours after the answer (no token these flows give lives longer). */
  expiresAt: Date;
}

export interface TransportOptions {
  /** The fetch to use (default: globalThis.fetch). */
  fetch?: typeof globalThis.fetch;
  /** Aborts the whole operation, retries included (ERR_ABORTED). */
  signal?: AbortSignal;
  /** Per attempt; default 10 000 ms, 2 000 ms for metadata services (ERR_TIMEOUT). */
  timeoutMs?: number;
  /** Retries of network errors, 429 and 5xx; never of other 4xx. */
  retry?: { attempts?: number; baseMs?: number; maxMs?: number; budgetMs?: number };
  /**
   * Send the credential over plain http to any host. Without it, http:
   * URLs are refused (ERR_INSECURE_URL) unless they name loopback
   * (127.0.0.0/8, ::1, localhost) or, for the metadata sources,
   * 169.254.169.254. For a test host you trust, such as an emulator
   * container reached by name: the JWT, OAuth or subject token crosses
   * the network in the clear.
   */
  allowInsecureHttp?: boolean;
}

export interface ExchangeOptions extends TransportOptions {
  /** The IAM token URL. Default `https://iam.api.cloud.yandex.net/iam/v1/tokens`. */
  endpoint?: string;
}

export interface ServiceAccountOptions extends ExchangeOptions {
  /** Which engine signs each JWT: as {@link signJwtAsync}'s. */
  engine?: SignAsyncOptions['engine'];
  /** The JWT's `aud`. Default: `endpoint` when given, else the public IAM URL. */
  audience?: string;
  /** The JWT's lifetime, 1 to 3600 s (default 3600); checked when the source is made. */
  jwtTtl?: number;
}

/**
 * A cached token. Refreshed on the call path once within max(5 min, 10 % of
 * its life) of expiry, but never sooner than 30 s after the last request
 * (until then a token whose stated expiry has passed is kept); concurrent
 * calls share one request; a failed refresh returns the old token while it
 * is still valid. The `*TokenSource`
 * functions below make one; `new TokenSource(fetchToken)` gives the same
 * caching to any other way of getting a token.
 */
export class TokenSource {
  constructor(fetchToken: () => Promise<TokenInfo>);
  /** `force`: a fresh token now (a server refused the cached one), never sooner than 30 s after the last request; `signal`: stop waiting (ERR_ABORTED). */
  getToken(options?: { force?: boolean; signal?: AbortSignal }): Promise<string>;
  getTokenInfo(options?: { force?: boolean; signal?: AbortSignal }): Promise<TokenInfo>;
}

/**
 * @example
 * ```js
 * const iam = serviceAccountTokenSource(fs.readFileSync('key.json', 'utf8'));
 * const res = await fetch(url, { headers: { Authorization: `Bearer ${await iam.getToken()}` } });
 * ```
 */
export function serviceAccountTokenSource(key: AuthorizedKey | KeyInput, options?: ServiceAccountOptions): TokenSource & { key: AuthorizedKey };
export function oauthTokenSource(oauthToken: string, options?: ExchangeOptions): TokenSource;
export function metadataTokenSource(options?: TransportOptions & { flavor?: 'gce' | 'ec2'; baseUrl?: string }): TokenSource;
/**
 * `profile`: a trusted profile id, a CRN (`crn:…`) or `default`, which the
 * core tells apart; `profileId` and `profileCrn` name one or the other.
 * Without any, the instance's default profile.
 */
export function ibmTrustedProfileTokenSource(
  options?: TransportOptions & {
    profile?: string; profileId?: string; profileCrn?: string; baseUrl?: string;
    /** The instance metadata service version: '2022-03-01' (default, as IBM's SDK) or '2025-08-26' (its paths /identity/v1/…). */
    serviceVersion?: '2022-03-01' | '2025-08-26';
  },
): TokenSource;

export interface FederationOptions extends TransportOptions {
  /** The service account whose IAM token is asked for. */
  serviceAccountId: string;
  /** The external OIDC token. */
  subjectToken?: string;
  /** A file holding it, read again on every refresh (a Kubernetes projected token); Node, Deno and Bun. */
  subjectTokenFile?: string;
  /** GitHub Actions: the job's OIDC token, with this audience (the job needs `permissions: id-token: write`). */
  github?: { audience?: string };
  /** The token exchange's URL. Default `https://auth.yandex.cloud/oauth/token`. */
  endpoint?: string;
}

/**
 * IAM tokens of a service account for an external OIDC token: workload
 * identity federation (RFC 8693), with one of `subjectToken`,
 * `subjectTokenFile` or `github`.
 *
 * @example
 * ```js
 * const iam = federationTokenSource({ serviceAccountId: 'aje…', github: { audience: 'https://github.com/org' } });
 * ```
 */
export function federationTokenSource(options: FederationOptions): TokenSource;

/** One exchange of a JWT for an IAM token. */
export function exchangeJwt(jwt: string, options?: ExchangeOptions): Promise<TokenInfo>;
/** One exchange of a Yandex OAuth token for an IAM token. */
export function exchangeOAuthToken(oauthToken: string, options?: ExchangeOptions): Promise<TokenInfo>;
