// The local emulator's HTTP server (Node): IAM, the VM metadata services
// (GCE, EC2, IBM) and federation. The core decides every answer
// (src/token/emulator.rs); this file listens on 127.0.0.1, reads bodies,
// stamps the clock, request ids and tokens, and sends CORS headers so a page
// can call it.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import './load-node.mjs';
import { EmulatorCore } from '../pkg/iamjwt.js';

/** The paths the emulator answers, as the core has them: `{ iam, federation, gce, ec2, ibmInstance, ibmIam }`. */
export const PATHS = Object.freeze(EmulatorCore.paths());
export const TOKEN_PATH = PATHS.iam;
const MAX_BODY = 64 * 1024;
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, PUT, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, accept, authorization, metadata-flavor',
  'access-control-max-age': '600',
};

/**
 * A request handler for the emulator's paths, for a server of the
 * caller's. Registers the public keys of the given authorized keys (JSON
 * texts) and the OIDC issuer keys (PEM or JWKS texts) for federation;
 * returns `{ handle(req, res), keys }`.
 */
export function emulatorHandler({ keys = [], oidcKeys = [], tokenUrl, log = () => {} }) {
  const core = new EmulatorCore(tokenUrl);
  const registered = keys.map((json) => core.addKey(json));
  for (const text of oidcKeys) core.addIssuerKeys(text);
  function handle(req, res) {
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', ...CORS });
      res.end(body);
      log(`${req.method} ${req.url} ${status}`);
    };
    if (req.method === 'OPTIONS') return reply(204, '');
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reply(413, JSON.stringify({ code: 3, message: `the request body is larger than ${MAX_BODY} bytes`, details: [{ requestId: randomUUID() }] }));
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const body = Buffer.concat(chunks).toString('utf8');
      const token = `t1.emulated.${randomBytes(32).toString('base64url')}`;
      const header = (name) => (typeof req.headers[name] === 'string' ? req.headers[name] : undefined);
      const answer = core.answer(req.method, req.url, header('metadata-flavor'), header('authorization'), body, Date.now() / 1000, randomUUID(), token);
      reply(answer.status, answer.body);
    });
  }
  return { handle, keys: registered };
}

/**
 * A server listening on `host:port` (port 0 picks a free one).
 * Resolves to `{ server, url, close }`; `close` drops open connections too.
 */
export async function listenLocal({ port = 0, host = '127.0.0.1' } = {}) {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const close = () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); });
  return { server, url: `http://${host}:${server.address().port}`, close };
}

/**
 * Starts the emulator on `host:port` (port 0 picks a free one) with the
 * public keys of the given authorized keys (JSON texts) and OIDC issuer
 * keys. Resolves to `{ url, tokenUrl, federationUrl, metadataUrl, keys, close }`.
 */
export async function startEmulator({ keys = [], oidcKeys = [], port = 0, host = '127.0.0.1', log = () => {} } = {}) {
  const { server, url, close } = await listenLocal({ port, host });
  const tokenUrl = `${url}${TOKEN_PATH}`;
  let emulator;
  try {
    emulator = emulatorHandler({ keys, oidcKeys, tokenUrl, log });
  } catch (error) {
    await close();
    throw error;
  }
  server.on('request', emulator.handle);
  return { url, tokenUrl, federationUrl: `${url}${PATHS.federation}`, metadataUrl: url, keys: emulator.keys, close };
}
