// The local IAM emulator's HTTP server (Node). The core decides every
// answer (src/token/emulator.rs); this file listens on 127.0.0.1, reads bodies,
// stamps the clock, request ids and tokens, and sends CORS headers so a page
// can call it.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import './load-node.mjs';
import { EmulatorCore } from '../pkg/iamjwt.js';

export const TOKEN_PATH = '/iam/v1/tokens';
const MAX_BODY = 64 * 1024;
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type, accept',
  'access-control-max-age': '600',
};

function iamError(status, grpc, message) {
  return JSON.stringify({ code: grpc, message, details: [{ requestId: randomUUID() }] });
}

/**
 * A request handler for the emulator's token path, for a server of the
 * caller's. Registers the public keys of the given authorized keys (JSON
 * texts); returns `{ handle(req, res), keys }`.
 */
export function emulatorHandler({ keys = [], tokenUrl, log = () => {} }) {
  const core = new EmulatorCore(tokenUrl);
  const registered = keys.map((json) => core.addKey(json));
  function handle(req, res) {
    const reply = (status, body, extra = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...CORS, ...extra });
      res.end(body);
      log(`${req.method} ${req.url} ${status}`);
    };
    const path = req.url.split('?')[0];
    if (req.method === 'OPTIONS') return reply(204, '');
    if (path !== TOKEN_PATH) return reply(404, iamError(404, 5, `no such path; POST ${TOKEN_PATH}`));
    if (req.method !== 'POST') return reply(405, iamError(405, 12, `use POST ${TOKEN_PATH}`), { allow: 'POST, OPTIONS' });
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reply(413, iamError(413, 3, `the request body is larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const body = Buffer.concat(chunks).toString('utf8');
      const token = `t1.emulated.${randomBytes(32).toString('base64url')}`;
      const answer = core.exchange(body, Date.now() / 1000, randomUUID(), token);
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
 * public keys of the given authorized keys (JSON texts).
 * Resolves to `{ url, tokenUrl, keys, close }`.
 */
export async function startEmulator({ keys = [], port = 0, host = '127.0.0.1', log = () => {} } = {}) {
  const { server, url, close } = await listenLocal({ port, host });
  const tokenUrl = `${url}${TOKEN_PATH}`;
  let emulator;
  try {
    emulator = emulatorHandler({ keys, tokenUrl, log });
  } catch (error) {
    await close();
    throw error;
  }
  server.on('request', emulator.handle);
  return { url, tokenUrl, keys: emulator.keys, close };
}
