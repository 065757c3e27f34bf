// iamjwt/ydb against the real YDB SDKs from npm (@ydbjs/auth 6, ydb-sdk 5),
// each used as its driver uses credentials, with iamjwt token sources that
// get their tokens from a fake IAM on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CredentialsProvider } from '@ydbjs/auth';
import { serviceAccountTokenSource, IamJwtError } from '../../js/node.mjs';
import { YdbAuthService, YdbCredentialsProvider } from '../../js/ydb.mjs';
import { fakeServer, fixture, laterBy } from './helpers.mjs';

const KEY = fixture('key-2048.json');
let iam;
let issued = 0;

before(async () => {
  iam = await fakeServer(() => {
    issued += 1;
    return [200, { iamToken: `t1.ydb-${issued}`, expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString() }];
  });
});
after(() => iam?.close());

const source = () => serviceAccountTokenSource(KEY, { endpoint: iam.url });

describe('@ydbjs/auth: YdbCredentialsProvider', () => {
  test('is the SDK\'s CredentialsProvider; getToken caches, force refreshes (past the 30 s floor)', async () => {
    const provider = new YdbCredentialsProvider(source());
    assert.ok(provider instanceof CredentialsProvider);
    const first = await provider.getToken();
    assert.match(first, /^t1\.ydb-\d+$/);
    assert.equal(await provider.getToken(false), first, 'cached');
    assert.equal(await provider.getToken(true), first, 'force within 30 s of the last request: the same token, no storm');
    await laterBy(31, async () => {
      const fresh = await provider.getToken(true);
      assert.notEqual(fresh, first, 'force past the floor: a fresh token');
      assert.equal(await provider.getToken(false), fresh);
    });
  });

  test('honours the driver\'s AbortSignal', async () => {
    const slow = await fakeServer(async () => { await new Promise((r) => setTimeout(r, 2000)); return [200, { iamToken: 't1.slow', expiresAt: new Date(Date.now() + 3600_000).toISOString() }]; });
    const provider = new YdbCredentialsProvider(serviceAccountTokenSource(KEY, { endpoint: slow.url }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(provider.getToken(false, controller.signal), (e) => e instanceof IamJwtError && e.code === 'ERR_ABORTED');
    await assert.rejects(provider.getToken(false, AbortSignal.abort()), (e) => e.code === 'ERR_ABORTED');
    await slow.close();
  });

  test('the SDK\'s middleware sends the token as x-ydb-auth-ticket', async () => {
    const provider = new YdbCredentialsProvider(source());
    let ticket;
    const call = {
      request: {},
      async* next(request, options) {
        ticket = options.metadata.get('x-ydb-auth-ticket');
        return 'response';
      },
    };
    const generator = provider.middleware(call, { metadata: undefined, signal: undefined });
    const { value, done } = await generator.next();
    assert.equal(done, true);
    assert.equal(value, 'response');
    assert.match(ticket, /^t1\.ydb-\d+$/);
  });

  test('takes only an iamjwt token source', () => {
    assert.throws(() => new YdbCredentialsProvider('t1.static'), (e) => e.code === 'ERR_OPTION_INVALID');
  });
});

describe('ydb-sdk 5: YdbAuthService', () => {
  test('getAuthMetadata resolves to ydb-sdk\'s own gRPC metadata with x-ydb-auth-ticket', async () => {
    const grpc = await import('@grpc/grpc-js');
    const service = new YdbAuthService(source());
    const metadata = await service.getAuthMetadata();
    assert.ok(metadata instanceof grpc.Metadata);
    const [ticket] = metadata.get('x-ydb-auth-ticket');
    assert.match(String(ticket), /^t1\.ydb-\d+$/);
    // Exactly what the SDK's own TokenAuthService gives for that token.
    const { TokenAuthService } = (await import('ydb-sdk')).default;
    const own = await new TokenAuthService(String(ticket)).getAuthMetadata();
    assert.deepEqual(metadata.getMap(), own.getMap());
  });
});
