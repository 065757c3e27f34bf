// @yandex-cloud/nodejs-sdk 3's MetadataTokenService, as its users make it,
// with only its URL (the constructor's first argument) pointed at the
// emulator; run by tests/js/sdk-clients.test.mjs on Node 22 (the SDK needs
// Node 22.15 or later). Prints the token it got.
//   node yc-metadata.mjs URL
import { MetadataTokenService } from '@yandex-cloud/nodejs-sdk/dist/token-service/metadata-token-service';

const service = new MetadataTokenService(process.argv[2]);
process.stdout.write(await service.getToken());
// The service refreshes its token on a 30 s timer of its own, which would
// keep the process alive.
process.exit(0);
