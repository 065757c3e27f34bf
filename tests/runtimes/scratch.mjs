// A scratch app with the packed tarball installed, as a user installs it,
// and this folder's runners copied in: for the one suite
// (tests/js/runtimes.test.mjs) and the runtime bench (bench/runtimes.mjs).
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const TOOLS = fileURLToPath(new URL('.', import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const tool = (path) => join(TOOLS, 'node_modules', path);

const RUNNERS = [
  'suite.mjs', 'run-cli.mjs', 'worker.mjs', 'wrangler.toml', 'workerd.mjs', 'run-workerd.mjs', 'browser.html', 'vite-app', 'esbuild-app',
  'bench.mjs', 'run-bench-cli.mjs', 'worker-bench.mjs', 'run-bench-workerd.mjs', 'bench.html',
  'cold-iamjwt.mjs', 'cold-jose.mjs', 'cold-jose-sign.mjs', 'cold-node-crypto.mjs', 'worker-cold-iamjwt.mjs', 'worker-cold-jose.mjs', 'worker-cold-webcrypto.mjs', 'run-cold-workerd.mjs',
  'cold-deno-iamjwt.mjs', 'cold-deno-jose.mjs', 'cold-deno-webcrypto.mjs', 'first-jwt.mjs', 'node-crypto-jwt.mjs',
];

/** `{ dir, close }`: the app, with `extra` npm install arguments (more packages, as folders) beside iamjwt. */
export async function scratchApp({ extra = [] } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'iamjwt-runtimes-'));
  const npm = (args, cwd) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 16 * 2 ** 20 });
  const [packed] = JSON.parse((await npm(['pack', '--json', '--pack-destination', scratch], ROOT)).stdout);
  const dir = join(scratch, 'app');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
  await npm(['install', '--offline', join(scratch, packed.filename), ...extra], dir);
  for (const file of RUNNERS) cpSync(join(TOOLS, file), join(dir, file), { recursive: true });
  return { dir, close: () => rmSync(scratch, { recursive: true, force: true }) };
}

/**
 * A static server for the scratch app (the pages, the bundles, env.json) on
 * 127.0.0.1: `{ url, close }`. `isolated` sends the headers that make a page
 * cross-origin isolated, where browsers give `performance.now()` its finer
 * resolution (Firefox rounds to 1 ms otherwise): for the bench.
 */
export async function serveDir(dir, { isolated = false } = {}) {
  const { createServer } = await import('node:http');
  const { existsSync, readFileSync, statSync } = await import('node:fs');
  const { extname, normalize } = await import('node:path');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };
  const http = createServer((req, res) => {
    const file = join(dir, normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) return res.writeHead(404).end();
    const isolation = isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', ...isolation }).end(readFileSync(file));
  });
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${http.address().port}`, close: () => new Promise((r) => { http.closeAllConnections(); http.close(r); }) };
}
