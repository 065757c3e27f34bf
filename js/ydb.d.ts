// iamjwt/ydb: any iamjwt token source as the YDB SDKs' credentials. Both
// SDKs are optional peer dependencies; importing this entry with neither
// installed throws ERR_DEPENDENCY_MISSING.
import type { TokenSource } from './index.js';

/** @ydbjs/auth's `CredentialsProvider` (the current YDB SDK) over an iamjwt token source. */
export declare class YdbCredentialsProvider {
  constructor(source: TokenSource);
  /** The cached token, refreshed ahead of expiry; `force` asks for a fresh one; `signal` stops the wait. */
  getToken(force?: boolean, signal?: AbortSignal): Promise<string>;
  readonly middleware: unknown;
}

/** ydb-sdk 5's `IAuthService` over an iamjwt token source. */
export declare class YdbAuthService {
  constructor(source: TokenSource);
  /** gRPC metadata (ydb-sdk's own) with `x-ydb-auth-ticket`. */
  getAuthMetadata(): Promise<unknown>;
}
