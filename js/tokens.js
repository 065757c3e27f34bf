// Getting IAM tokens: the IO half. The core decides what each flow means
// from what the user gave (a core.TokenFlow), builds every request and
// parses every answer, decides what may be retried and how long to wait,
// and when a cached token is due; this file only sends, waits and remembers.
import * as core from '../pkg/iamjwt.js';
import { fileReaderOf } from './engine.js';
import { IamJwtError, unreadableWhy } from './errors.js';
import { parseKey, signJwtAsync, AuthorizedKey } from './api.js';
import { handleOf } from './handles.js';
import { ensureLoaded } from './loaded.js';

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

/** `promise`, or ERR_ABORTED as soon as `signal` aborts (the work behind it goes on). */
function abortable(promise, signal) {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(aborted(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The core's bounds: the largest answer, the largest subject token. */
let bounds;
function limits() {
  ensureLoaded();
  bounds ??= core.defaults();
  return bounds;
}

/** What an attempt that threw came to, for the core's retry decision (`network` when unmarked). */
const OUTCOME = Symbol('iamjwt.outcome');
const marked = (error, outcome) => Object.defineProperty(error, OUTCOME, { value: outcome });

/**
 * The body as text, read as it streams and abandoned past `limit` bytes: a
 * `Content-Length` over it is refused before a byte is read, and an endless
 * (chunked) answer stops at the bound, not at the timeout.
 */
async function boundedText(response, host, limit) {
  const tooLarge = () => marked(new IamJwtError('ERR_RESPONSE_INVALID', `${host} answered HTTP ${response.status} with more than ${limit} bytes; nothing past that was read`), 'too-large');
  const declared = Number(response.headers?.get?.('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel?.().catch(() => {});
    throw tooLarge();
  }
  if (!response.body?.getReader) {
    const text = await response.text();
    if (new TextEncoder().encode(text).length > limit) throw tooLarge();
    return text;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** One attempt: `{ status, body, retryAfter }`, or throws a network or timeout error. */
async function attempt(request, { fetch, signal, timeoutMs }) {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const onAbort = () => timeout.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // Redirects are not followed: a credential goes only where it was
    // sent. ('manual', not 'error', which workerd does not have.)
    const response = await fetch(request.url, {
      method: request.method, headers: request.headers, body: request.body, signal: timeout.signal, redirect: 'manual',
    });
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      const where = response.status ? `HTTP ${response.status}` : 'a redirect';
      throw marked(new IamJwtError('ERR_FETCH_FAILED', `${new URL(request.url).host} answered with ${where}; iamjwt does not follow redirects, so give the final URL`), 'redirected');
    }
    const body = await boundedText(response, new URL(request.url).host, limits().maxResponseBytes);
    return { status: response.status, body, retryAfter: response.headers.get('retry-after') ?? undefined };
  } catch (error) {
    if (error?.[OUTCOME]) throw error;
    if (signal?.aborted) throw marked(aborted(signal), 'aborted');
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
 * Sends a core-built request until the core's retry policy says stop
 * (token::retry::next, under the user's `retry` option): this only sends
 * and sleeps. Resolves to the last `{ status, body }`, or throws the last
 * failure.
 */
async function send(request, options = {}) {
  const fetch = options.fetch ?? globalThis.fetch;
  if (typeof fetch !== 'function') throw new IamJwtError('ERR_OPTION_INVALID', 'no fetch: pass options.fetch');
  const started = Date.now();
  for (let n = 1; ; n += 1) {
    let result;
    let failure;
    try {
      result = await attempt(request, { fetch, signal: options.signal, timeoutMs: options.timeoutMs });
    } catch (error) {
      failure = error;
    }
    const outcome = failure ? (failure[OUTCOME] ?? 'network') : 'answered';
    const wait = core.retryNext(n, Date.now() - started, outcome, result?.status, result?.retryAfter, Math.random(), options.retry);
    if (wait < 0) {
      if (failure) throw failure;
      return result;
    }
    await sleep(wait, options.signal);
  }
}

/** Runs one flow: the core builds the request, this sends it, the core parses the answer. */
async function obtain(flow, credential, options) {
  const request = flow.request(credential);
  const { status, body } = await send(request, { ...options, timeoutMs: options.timeoutMs ?? flow.timeoutMs });
  const parsed = flow.parseAnswer(status, body, nowSeconds());
  return { token: parsed.token, expiresAt: new Date(parsed.expiresAt * 1000) };
}

/** A flow the core makes from what the user gave, with the user's `allowInsecureHttp`. */
function tokenFlow(spec, options) {
  ensureLoaded();
  return new core.TokenFlow({ ...spec, allowInsecureHttp: options?.allowInsecureHttp });
}

/** The core checks a source's whole options object, once, as the user gave it. */
function checked(source, options) {
  ensureLoaded();
  core.checkSourceOptions(source, options);
  return options ?? {};
}

/** The IAM flows' spec: the flow and the endpoint the user gave. */
const iamFlow = (flow, options) => tokenFlow({ flow, endpoint: options?.endpoint }, options);

function oauthTokenOf(oauthToken) {
  if (typeof oauthToken !== 'string' || !oauthToken.trim()) {
    throw new IamJwtError('ERR_OPTION_INVALID', 'the OAuth token must be a non-empty string');
  }
  return oauthToken;
}

/** Exchanges a JWT for an IAM token once: `{ token, expiresAt }`. */
export function exchangeJwt(jwt, options = {}) {
  checked('exchangeJwt', options);
  return obtain(iamFlow('jwt', options), jwt, options);
}

/** Exchanges a Yandex OAuth token for an IAM token once: `{ token, expiresAt }`. */
export function exchangeOAuthToken(oauthToken, options = {}) {
  checked('exchangeOAuthToken', options);
  oauthTokenOf(oauthToken);
  return obtain(iamFlow('oauth', options), oauthToken, options);
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
  #floorAt = 0;
  #retryAfter = 0;
  #inflight;

  constructor(fetchToken) {
    this.#fetchToken = fetchToken;
  }

  /**
   * Resolves to `{ token, expiresAt }` (expiresAt a Date). `force` asks for
   * a fresh token now (a server refused the cached one), but never sooner
   * than the core's floor after the last request; `signal` stops waiting
   * (ERR_ABORTED), while a request under way goes on for other callers.
   */
  async getTokenInfo({ force = false, signal } = {}) {
    if (signal?.aborted) throw aborted(signal);
    const now = nowSeconds();
    const current = this.#current;
    const valid = current && now < current.expiresAt.getTime() / 1000;
    // Before the core's refresh time, the token is kept even when its
    // stated expiry has passed: the core never puts that time sooner than
    // its floor after the last request, so a short-lived or mis-dated
    // token cannot make every call a request. A forced refresh waits for
    // the floor alone.
    const due = force ? this.#floorAt : this.#refreshAt;
    if (current && now < due) return { ...current };
    if (valid && !force && now < this.#retryAfter) return { ...current };
    this.#inflight ??= this.#refresh(now).finally(() => { this.#inflight = undefined; });
    try {
      return { ...(await abortable(this.#inflight, signal)) };
    } catch (error) {
      if (error?.code !== 'ERR_ABORTED' && valid && this.#current === current) {
        this.#retryAfter = nowSeconds() + limits().failedRefreshPause; // try again on a later call
        return { ...current };
      }
      throw error;
    }
  }

  /** Resolves to the token string (`options` as getTokenInfo's). */
  async getToken(options) {
    return (await this.getTokenInfo(options)).token;
  }

  async #refresh(obtainedAt) {
    const fresh = await this.#fetchToken();
    this.#current = fresh;
    ensureLoaded();
    this.#refreshAt = core.refreshAt(obtainedAt, fresh.expiresAt.getTime() / 1000);
    // The floor alone: the refresh time of a token that expired as it came.
    this.#floorAt = core.refreshAt(obtainedAt, 0);
    this.#retryAfter = 0;
    return fresh;
  }
}

/**
 * IAM tokens for a service account's authorized key. The key is parsed
 * once; each refresh signs a fresh JWT (`jwtTtl`, 1 to 3600 s, default
 * 3600) with the best engine there is (signJwtAsync; `engine` picks one)
 * and exchanges it. The core decides the JWT's audience: `audience`,
 * else the `endpoint`, else the public IAM URL.
 */
export function serviceAccountTokenSource(key, options = {}) {
  checked('serviceAccountTokenSource', options);
  const parsed = key instanceof AuthorizedKey ? key : parseKey(key);
  const flow = iamFlow('jwt', options);
  const signing = { audience: options.audience, endpoint: options.endpoint, ttl: options.jwtTtl, engine: options.engine };
  // The core checks the options now, not at the first refresh.
  handleOf(parsed).signingInput({ ...signing, now: nowSeconds() });
  const source = new TokenSource(async () => obtain(flow, await signJwtAsync(parsed, signing), options));
  source.key = parsed;
  return source;
}

/** IAM tokens for a Yandex OAuth token. */
export function oauthTokenSource(oauthToken, options = {}) {
  checked('oauthTokenSource', options);
  oauthTokenOf(oauthToken);
  const flow = iamFlow('oauth', options);
  return new TokenSource(() => obtain(flow, oauthToken, options));
}

/** IAM tokens from a VM's metadata service, GCE (default) or EC2 format. */
export function metadataTokenSource(options = {}) {
  checked('metadataTokenSource', options);
  const flow = tokenFlow({ flow: 'metadata', flavor: options.flavor, baseUrl: options.baseUrl }, options);
  return new TokenSource(() => obtain(flow, undefined, options));
}

/**
 * IBM Cloud IAM tokens for a VPC instance's trusted profile, in two steps:
 * the instance identity token, then the IAM token for the profile. The core
 * decides what `profile` is (an id, a CRN, or `default`); `profileId` and
 * `profileCrn` name one or the other.
 */
export function ibmTrustedProfileTokenSource(options = {}) {
  checked('ibmTrustedProfileTokenSource', options);
  const profile = options.profile ?? options.profileCrn ?? options.profileId;
  const common = { baseUrl: options.baseUrl, serviceVersion: options.serviceVersion };
  const instance = tokenFlow({ flow: 'ibm-instance', ...common }, options);
  const iam = tokenFlow({ flow: 'ibm-iam', profile, ...common }, options);
  return new TokenSource(async () => {
    const identity = await obtain(instance, undefined, options);
    return obtain(iam, identity.token, options);
  });
}

/**
 * A subject token file's token, read now (Kubernetes rotates projected
 * tokens, so every refresh reads it again): at most the core's bound is
 * read, and the core checks that it is a JWT, naming the file and never
 * quoting it.
 */
async function readSubjectFile(path) {
  const read = fileReaderOf();
  if (!read) throw new IamJwtError('ERR_INPUT_READ', 'reading subjectTokenFile needs a file system (Node, Deno or Bun); pass subjectToken instead');
  const limit = limits().maxSubjectTokenBytes;
  let text;
  try {
    // One byte past the bound tells a file at the bound from a larger one.
    text = await read(path, limit + 1);
  } catch (error) {
    throw new IamJwtError('ERR_INPUT_READ', `cannot read the subject token file ${String(path).slice(0, 200)}: ${unreadableWhy(error)}`, { cause: error });
  }
  return core.subjectTokenFromFile(text, String(path));
}

/**
 * IAM tokens of a service account for an external OIDC token (workload
 * identity federation, RFC 8693), from one of: `subjectToken` (a string),
 * `subjectTokenFile` (read again on every refresh, as Kubernetes rotates
 * projected tokens), or `github: { audience }` (the GitHub Actions job's
 * OIDC token, asked for with its ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN).
 */
export function federationTokenSource(options = {}) {
  checked('federationTokenSource', options);
  const { subjectToken, subjectTokenFile, github } = options;
  const flow = tokenFlow({ flow: 'federation', serviceAccountId: options.serviceAccountId, endpoint: options.endpoint }, options);
  let subject;
  if (subjectToken !== undefined) {
    if (typeof subjectToken !== 'string' || !subjectToken.trim()) {
      throw new IamJwtError('ERR_OPTION_INVALID', 'subjectToken must be the OIDC token, a non-empty string');
    }
    // The core checks it now (a JWT, within the bound): nothing is sent otherwise.
    flow.request(subjectToken);
    subject = async () => subjectToken;
  } else if (subjectTokenFile !== undefined) {
    if (typeof subjectTokenFile !== 'string' || !subjectTokenFile) {
      throw new IamJwtError('ERR_OPTION_INVALID', 'subjectTokenFile must be a path');
    }
    subject = () => readSubjectFile(subjectTokenFile);
  } else {
    const env = globalThis.process?.env ?? {};
    const oidc = tokenFlow({
      flow: 'github-oidc', audience: github?.audience, requestUrl: env.ACTIONS_ID_TOKEN_REQUEST_URL, githubActions: env.GITHUB_ACTIONS,
    }, options);
    subject = async () => (await obtain(oidc, env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, options)).token;
  }
  return new TokenSource(async () => obtain(flow, await subject(), options));
}
