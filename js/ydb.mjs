// iamjwt/ydb: any iamjwt token source as the YDB SDKs' credentials.
//   YdbCredentialsProvider: @ydbjs/auth's CredentialsProvider (the current
//     SDK, @ydbjs/*): its driver calls getToken(force, signal) on every call
//     and never retries on its own, so the source's cache and its refresh
//     ahead of expiry, on the call path, are what keep it supplied.
//   YdbAuthService: ydb-sdk 5's IAuthService: getAuthMetadata() resolves to
//     the gRPC metadata with x-ydb-auth-ticket.
// Both SDKs are optional peer dependencies: the package keeps none at run
// time, and this entry fails at import, in one line, only when neither is
// installed.
import { IamJwtError } from './errors.js';
import { TokenSource } from './tokens.js';

/** A package the app has installed, or undefined. */
async function optional(name) {
  try {
    return await import(name);
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(name)) return undefined;
    throw error;
  }
}

/** Whether the app can resolve `name`, without loading it (ydb-sdk is heavy). */
function installed(name) {
  try {
    import.meta.resolve(name);
    return true;
  } catch {
    return false;
  }
}

const auth = await optional('@ydbjs/auth');
const hasYdbSdk = installed('ydb-sdk');
if (!auth && !hasYdbSdk) {
  throw new IamJwtError('ERR_DEPENDENCY_MISSING', 'iamjwt/ydb adapts the YDB SDKs, and neither is installed: npm install @ydbjs/auth (the current SDK) or ydb-sdk (version 5)');
}

const sourceOf = (source, what) => {
  if (!(source instanceof TokenSource)) {
    throw new IamJwtError('ERR_OPTION_INVALID', `${what} takes an iamjwt token source (serviceAccountTokenSource(…), metadataTokenSource(), …)`);
  }
  return source;
};

const Base = auth?.CredentialsProvider ?? class {
  constructor() {
    throw new IamJwtError('ERR_DEPENDENCY_MISSING', 'YdbCredentialsProvider needs @ydbjs/auth: npm install @ydbjs/auth');
  }
};

/**
 * @ydbjs/auth's `CredentialsProvider` over an iamjwt token source:
 * `new Driver(cs, { credentialsProvider: new YdbCredentialsProvider(source) })`.
 */
export class YdbCredentialsProvider extends Base {
  #source;

  constructor(source) {
    super();
    this.#source = sourceOf(source, 'YdbCredentialsProvider');
  }

  /**
   * The cached token, refreshed ahead of expiry on this call; `force` (the
   * driver's, after a refusal) asks for a fresh one; `signal` stops the wait.
   */
  async getToken(force = false, signal = undefined) {
    return (await this.#source.getTokenInfo({ force, signal })).token;
  }
}

/**
 * ydb-sdk 5's `IAuthService` over an iamjwt token source:
 * `new Driver({ connectionString, authService: new YdbAuthService(source) })`.
 */
export class YdbAuthService {
  #source;

  constructor(source) {
    if (!hasYdbSdk) throw new IamJwtError('ERR_DEPENDENCY_MISSING', 'YdbAuthService needs ydb-sdk: npm install ydb-sdk');
    this.#source = sourceOf(source, 'YdbAuthService');
  }

  /** The gRPC metadata with the cached (or refreshed) token as x-ydb-auth-ticket, made by ydb-sdk itself. */
  async getAuthMetadata() {
    const sdk = await import('ydb-sdk');
    const { TokenAuthService } = sdk.TokenAuthService ? sdk : sdk.default;
    return new TokenAuthService(await this.#source.getToken()).getAuthMetadata();
  }
}
