// Getting IAM tokens: the IO half. The core builds every request and parses
// every answer, decides what may be retried and how long to wait, and when a
// cached token is due; this file only sends, waits and remembers.
import * as core from '../pkg/iamjwt.js';
import { callCore as call, IamJwtError } from './errors.js';
import { parseKey, signJwt, AuthorizedKey } from './api.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const METADATA_TIMEOUT_MS = 2_000;
const RETRY = Object.freeze({ attempts: 4, baseMs: 200, maxMs: 10_000, budgetMs: 30_000 });

const nowSeconds = () => Date.now() / 1000;

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(signal));
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    function onAbort() { clearTimeout(timer); reject(aborted(signal)); }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function aborted(signal) {
  return new IamJwtError('ERR_ABORTED', 'the request was aborted', { cause: signal?.reason });
}

/** One attempt: `{ status, body, retryAfter }`, or throws a network or timeout error. */
async function attempt(request, { fetch, signal, timeoutMs }) {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const onAbort = () => timeout.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await fetch(request.url, {
      method: request.method, headers: request.headers, body: request.body, signal: timeout.signal, redirect: 'error',
    });
    const body = await response.text();
    return { status: response.status, body, retryAfter: response.headers.get('retry-after') ?? undefined };
  } catch (error) {
    if (signal?.aborted) throw aborted(signal);
    const host = new URL(request.url).host;
    if (timeout.signal.aborted) {
      throw new IamJwtError('ERR_TIMEOUT', `${host} did not answer within ${timeoutMs} ms`);
    }
    const why = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error);
    throw new IamJwtError('ERR_FETCH_FAILED', `cannot reach ${host}: ${why}`, { cause: error });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Sends a core-built request, retrying network errors, 429 and 5xx with
 * backoff and jitter (honouring Retry-After) within the retry budget.
 * Resolves to the last `{ status, body }`.
 */
async function send(request, options = {}) {
  const fetch = options.fetch ?? globalThis.fetch;
  if (typeof fetch !== 'function') throw new IamJwtError('ERR_OPTION_INVALID', 'no fetch: pass options.fetch');
  const retry = { ...RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = Date.now();
  for (let n = 1; ; n += 1) {
    let result;
    let failure;
    try {
      result = await attempt(request, { fetch, signal: options.signal, timeoutMs });
    } catch (error) {
      if (error.code === 'ERR_ABORTED') throw error;
      failure = error;
    }
    const retryable = core.isRetryable(failure ? undefined : result.status);
    if (!retryable || n >= retry.attempts) {
      if (failure) throw failure;
      return result;
    }
    const wait = core.retryDelayMs(n, result?.retryAfter, retry.baseMs, retry.maxMs, Math.random());
    if (Date.now() - started + wait > retry.budgetMs) {
      if (failure) throw failure;
      return result;
    }
    await sleep(wait, options.signal);
  }
}

/** Runs one flow: build the request in the core, send it, parse the answer in the core. */
async function obtain(flow, { credential, url, profile }, options) {
  const request = call(() => core.buildTokenRequest(flow, credential, url, profile));
  const { status, body } = await send(request, options);
  const parsed = call(() => core.parseTokenResponse(flow, status, body, nowSeconds()));
  return { token: parsed.token, expiresAt: new Date(parsed.expiresAt * 1000) };
}

function endpointOf(options) {
  if (options?.endpoint !== undefined && typeof options.endpoint !== 'string') {
    throw new IamJwtError('ERR_OPTION_INVALID', 'endpoint must be a URL string');
  }
  return options?.endpoint;
}

function oauthTokenOf(oauthToken) {
  if (typeof oauthToken !== 'string' || !oauthToken.trim()) {
    throw new IamJwtError('ERR_OPTION_INVALID', 'the OAuth token must be a non-empty string');
  }
  return oauthToken;
}

/** Exchanges a JWT for an IAM token once: `{ token, expiresAt }`. */
export function exchangeJwt(jwt, options = {}) {
  return obtain('jwt', { credential: jwt, url: endpointOf(options) }, options);
}

/** Exchanges a Yandex OAuth token for an IAM token once: `{ token, expiresAt }`. */
export function exchangeOAuthToken(oauthToken, options = {}) {
  oauthTokenOf(oauthToken);
  return obtain('oauth', { credential: oauthToken, url: endpointOf(options) }, options);
}

/**
 * A cached token: refreshed on the call path once within the core's margin
 * of expiry (no timers), one request shared by concurrent callers, and the
 * old token kept when a refresh fails while it is still valid.
 */
export class TokenSource {
  #fetchToken;
  #current;
  #refreshAt = 0;
  #retryAfter = 0;
  #inflight;

  constructor(fetchToken) {
    this.#fetchToken = fetchToken;
  }

  /** Resolves to `{ token, expiresAt }` (expiresAt a Date). */
  async getTokenInfo() {
    const now = nowSeconds();
    const current = this.#current;
    const valid = current && now < current.expiresAt.getTime() / 1000;
    if (valid && (now < this.#refreshAt || now < this.#retryAfter)) return { ...current };
    this.#inflight ??= this.#refresh(now).finally(() => { this.#inflight = undefined; });
    try {
      return { ...(await this.#inflight) };
    } catch (error) {
      if (valid && this.#current === current) {
        this.#retryAfter = nowSeconds() + 5; // try again on a later call
        return { ...current };
      }
      throw error;
    }
  }

  /** Resolves to the token string. */
  async getToken() {
    return (await this.getTokenInfo()).token;
  }

  async #refresh(obtainedAt) {
    const fresh = await this.#fetchToken();
    this.#current = fresh;
    this.#refreshAt = core.refreshAt(obtainedAt, fresh.expiresAt.getTime() / 1000);
    this.#retryAfter = 0;
    return fresh;
  }
}

/**
 * IAM tokens for a service account's authorized key. The key is parsed
 * once; each refresh signs a fresh JWT (at most 3600 s) and exchanges it.
 * With `endpoint`, the JWT's audience defaults to it; `audience` overrides.
 */
export function serviceAccountTokenSource(key, options = {}) {
  const parsed = key instanceof AuthorizedKey ? key : parseKey(key);
  const endpoint = endpointOf(options);
  const audience = options.audience ?? endpoint;
  const source = new TokenSource(() =>
    obtain('jwt', { credential: signJwt(parsed, { audience, ttl: Math.min(options.jwtTtl ?? 3600, 3600) }), url: endpoint }, options));
  source.key = parsed;
  return source;
}

/** IAM tokens for a Yandex OAuth token. */
export function oauthTokenSource(oauthToken, options = {}) {
  oauthTokenOf(oauthToken);
  const endpoint = endpointOf(options);
  return new TokenSource(() => obtain('oauth', { credential: oauthToken, url: endpoint }, options));
}

/** IAM tokens from a VM's metadata service, GCE or EC2 format. */
export function metadataTokenSource(options = {}) {
  const flavor = options.flavor ?? 'gce';
  if (flavor !== 'gce' && flavor !== 'ec2') {
    throw new IamJwtError('ERR_OPTION_INVALID', `flavor must be 'gce' or 'ec2', not '${String(flavor).slice(0, 20)}'`);
  }
  const opts = { timeoutMs: METADATA_TIMEOUT_MS, ...options };
  return new TokenSource(() => obtain(flavor, { url: options.baseUrl }, opts));
}

/**
 * IBM Cloud IAM tokens for a VPC instance's trusted profile, in two steps:
 * the instance identity token, then the IAM token for the profile (by id,
 * by CRN, or the instance's default).
 */
export function ibmTrustedProfileTokenSource(options = {}) {
  const profile = options.profileCrn ?? options.profileId;
  const opts = { timeoutMs: METADATA_TIMEOUT_MS, ...options };
  return new TokenSource(async () => {
    const instance = await obtain('ibm-instance', { url: options.baseUrl }, opts);
    return obtain('ibm-iam', { credential: instance.token, url: options.baseUrl, profile }, opts);
  });
}
