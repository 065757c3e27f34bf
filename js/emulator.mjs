// The local emulator's HTTP server (Node): IAM, the VM metadata services
// (GCE, EC2, IBM) and federation. The core decides every answer
// (src/token/emulator.rs); this file listens on 127.0.0.1, reads bodies,
// stamps the clock, request ids and tokens. It answers only requests whose
// Host is its own address (no DNS rebinding), and sends CORS headers only
// to the page origins it was given, and never on the metadata paths (no
// real metadata service has them).
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { EmulatorCore, initSync, services } from '../pkg/iamjwt_emulator.js';

// The emulator's own .wasm (the core with feature `emulator`): the one
// users ship carries none of it, and only this file loads this one.
initSync({ module: readFileSync(new URL('../pkg/iamjwt_emulator_bg.wasm', import.meta.url)) });

/** The paths the emulator answers, as the core has them: `{ iam, federation, gce, ec2, ibmInstance, ibmIam, … }`. */
export const PATHS = Object.freeze(services());
export const TOKEN_PATH = PATHS.iam;
const MAX_BODY = 64 * 1024;
/** The paths a page may call across origins: IAM and federation, never metadata. */
const CORS_PATHS = new Set([PATHS.iam, PATHS.federation]);

/** CORS headers for a request from one of `origins` to a path a page may call; none otherwise. */
function corsHeaders(req, origins) {
  const origin = req.headers.origin;
  const path = (req.url ?? '').split('?')[0];
  if (typeof origin !== 'string' || !origins.has(origin) || !CORS_PATHS.has(path)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type, accept',
    'access-control-max-age': '600',
    vary: 'origin',
  };
}

/**
 * The Host values a server on `url` answers: its own address and port, and
 * localhost on that port. A page on another name that resolves to
 * 127.0.0.1 (DNS rebinding) sends its own name, and is refused.
 */
export function ownHosts(url) {
  const { host, port } = new URL(url);
  return new Set([host, `localhost:${port}`]);
}

/** Whether to answer: the Host is one of `hosts`. Else a 421 is sent and false returned. */
export function hostAllowed(req, res, hosts) {
  if (hosts.has(String(req.headers.host ?? '').toLowerCase())) return true;
  res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('misdirected request: this server answers only its own loopback address\n');
  return false;
}

/**
 * A request handler for the emulator's paths, for a server of the
 * caller's (which checks the Host). Registers the public keys of the given
 * authorized keys (JSON texts) and the OIDC issuers (JSON texts) for
 * federation; `corsOrigins` are the page origins that may call IAM and
 * federation from a browser. Returns `{ handle(req, res), keys }`.
 */
export function emulatorHandler({ keys = [], issuers = [], tokenUrl, corsOrigins = [], log = () => {} }) {
  const core = new EmulatorCore(tokenUrl);
  // IBM IAM tokens are RS256 JWTs, as IBM issues them (IBM's SDK decodes
  // them): signed by a key made now, for this emulator's life.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  core.setIbmSigningKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const registered = keys.map((json) => core.addKey(json));
  for (const text of issuers) core.addIssuer(text);
  const origins = new Set(corsOrigins.map((o) => new URL(o).origin));
  function handle(req, res) {
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', ...corsHeaders(req, origins) });
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
 * public keys of the given authorized keys (JSON texts), OIDC issuers, and
 * the page origins that may call it (`corsOrigins`). Resolves to `{ url,
 * tokenUrl, federationUrl, metadataUrl, keys, close }`.
 */
export async function startEmulator({ keys = [], issuers = [], corsOrigins = [], port = 0, host = '127.0.0.1', log = () => {} } = {}) {
  const { server, url, close } = await listenLocal({ port, host });
  const tokenUrl = `${url}${TOKEN_PATH}`;
  let emulator;
  try {
    emulator = emulatorHandler({ keys, issuers, tokenUrl, corsOrigins, log });
  } catch (error) {
    await close();
    throw error;
  }
  const hosts = ownHosts(url);
  server.on('request', (req, res) => { if (hostAllowed(req, res, hosts)) emulator.handle(req, res); });
  return { url, tokenUrl, federationUrl: `${url}${PATHS.federation}`, metadataUrl: url, keys: emulator.keys, close };
}
