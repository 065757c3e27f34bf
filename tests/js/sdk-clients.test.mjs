// Official clients from npm against the emulator, unmodified, with only
// their documented URL options pointed at it: IBM's VpcInstanceAuthenticator
// (ibm-cloud-sdk-core 5.9) at both of its service versions, @ydbjs/auth's
// MetadataCredentialsProvider, and @yandex-cloud/nodejs-sdk 3's
// MetadataTokenService (on Node 22, from tests/runtimes).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { MetadataCredentialsProvider } from '@ydbjs/auth/metadata';
import { VpcInstanceAuthenticator } from 'ibm-cloud-sdk-core';
import { startEmulator } from '../../js/emulator.mjs';
import { fixture } from './helpers.mjs';
import { tool, TOOLS } from '../runtimes/scratch.mjs';

let emulator;
before(async () => { emulator = await startEmulator({ keys: [fixture('key-2048.json')] }); });
after(() => emulator?.close());

describe('IBM\'s VpcInstanceAuthenticator', () => {
  for (const serviceVersion of [undefined, '2022-03-01', '2025-08-26']) {
    test(`gets a bearer token at service version ${serviceVersion ?? 'its default (2022-03-01)'}, and decodes it as the JWT IBM issues`, async () => {
      const authenticator = new VpcInstanceAuthenticator({ url: emulator.metadataUrl, iamProfileId: 'Profile-1', ...(serviceVersion ? { serviceVersion } : {}) });
      const request = { headers: {} };
      await authenticator.authenticate(request);
      const [scheme, token] = request.headers.Authorization.split(' ');
      assert.equal(scheme, 'Bearer');
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url'));
      assert.equal(claims.sub, 'Profile-1');
      assert.equal(claims.exp - claims.iat, 3600);
      // Cached by the SDK: a second request reuses it.
      const again = { headers: {} };
      await authenticator.authenticate(again);
      assert.equal(again.headers.Authorization, request.headers.Authorization);
    });
  }
});

describe('@ydbjs/auth/metadata', () => {
  test('MetadataCredentialsProvider gets a token from the emulator\'s GCE path', async () => {
    const provider = new MetadataCredentialsProvider({ endpoint: `${emulator.metadataUrl}/computeMetadata/v1/instance/service-accounts/default/token` });
    assert.match(await provider.getToken(), /^t1\.emulated\./);
  });
});

describe('@yandex-cloud/nodejs-sdk', () => {
  test('MetadataTokenService (3.2, on Node 22) gets a token from the emulator\'s GCE path', async () => {
    const url = `${emulator.metadataUrl}/computeMetadata/v1/instance/service-accounts/default/token`;
    const { stdout } = await promisify(execFile)(tool('node22/bin/node'), ['yc-metadata.mjs', url], { cwd: TOOLS, timeout: 20_000 });
    assert.match(stdout, /^t1\.emulated\./);
  });
});
