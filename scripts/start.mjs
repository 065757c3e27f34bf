#!/usr/bin/env node
// `npm start`: the terminal demo (check, mint and verify with the throwaway
// demo key), then the minting page and the local emulator on 127.0.0.1.
//   PORT=8080 npm start   to choose the port (default 8910, or a free one)
import './demo.mjs';
import { startPageServer } from './serve-page.mjs';

const wanted = Number(process.env.PORT ?? 8910);
let server;
try {
  server = await startPageServer({ port: wanted, log: (line) => process.stderr.write(`emulator: ${line}\n`) });
} catch (error) {
  if (error.code !== 'EADDRINUSE' || process.env.PORT) throw error;
  server = await startPageServer({ port: 0, log: (line) => process.stderr.write(`emulator: ${line}\n`) });
}
const host = new URL(server.url).host;
process.stdout.write(`
The minting page:  ${server.pageUrl}
The emulator, for the demo key's service account:
  IAM, JWT exchange  ${server.tokenUrl}  ("Try the demo key" points the page at it)
  VM metadata        ${server.metadataUrl}  (GCE and EC2 formats, IBM's pair; YC_METADATA_ADDR=${host})
  federation         ${server.federationUrl}  (subject tokens of an issuer given with iamjwt emulator --oidc-issuer FILE)
Ctrl-C stops.
`);
const stop = async () => { await server.close(); process.exit(0); };
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
