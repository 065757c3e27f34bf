// The page's server for `npm start` and the browser tests: serves www/ (the
// page), js/ and pkg/ (the package it imports) from 127.0.0.1, and on every
// other path the emulator (IAM at /iam/v1/tokens, the VM metadata services,
// federation at /oauth/token) with the demo key registered, so the demo
// works end to end. /www/config.json points the page's demo at that emulator.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulatorHandler, hostAllowed, listenLocal, ownHosts, PATHS, TOKEN_PATH } from '../js/emulator.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const SERVED = ['/www/', '/js/', '/pkg/'];
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8',
};

/** Starts the server; resolves to `{ url, pageUrl, tokenUrl, close }`. */
export async function startPageServer({ port = 0, host = '127.0.0.1', log = () => {}, extraKeys = [] } = {}) {
  const { server, url, close } = await listenLocal({ port, host });
  const tokenUrl = `${url}${TOKEN_PATH}`;
  let emulator;
  try {
    const demoKey = await readFile(join(root, 'www/demo-key.json'), 'utf8');
    emulator = emulatorHandler({ keys: [demoKey, ...extraKeys], tokenUrl, log });
  } catch (error) {
    await close();
    throw error;
  }
  const config = JSON.stringify({ demoEndpoint: tokenUrl });
  const hosts = ownHosts(url);

  server.on('request', async (req, res) => {
    // Only requests to this server's own address (no DNS rebinding).
    if (!hostAllowed(req, res, hosts)) return;
    let path;
    try {
      path = normalize(decodeURIComponent(new URL(req.url, url).pathname));
    } catch {
      // A malformed URL or escape (GET /www/%) is the client's mistake: 400, and serve on.
      return res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad request: the URL cannot be decoded\n');
    }
    if (path === '/' || path === '/www') return res.writeHead(302, { location: '/www/' }).end();
    // The page's files, or else the emulator, which answers its own paths and refuses the rest.
    if (!SERVED.some((p) => path.startsWith(p))) return emulator.handle(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return res.writeHead(405).end();
    if (path === '/www/config.json') {
      return res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(config);
    }
    const file = path.endsWith('/') ? `${path}index.html` : path;
    if (!SERVED.some((p) => file.startsWith(p)) || file.includes('..')) return res.writeHead(404).end('not found');
    try {
      const body = await readFile(join(root, file));
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        // What the page's meta CSP cannot say: no one may frame it.
        ...(extname(file) === '.html' ? { 'content-security-policy': "frame-ancestors 'none'" } : {}),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });

  return { url, pageUrl: `${url}/www/`, tokenUrl, federationUrl: `${url}${PATHS.federation}`, metadataUrl: url, close };
}
