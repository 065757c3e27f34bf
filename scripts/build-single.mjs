#!/usr/bin/env node
// Writes dist/iamjwt.html: the minting page as one file, with the script,
// the styles, the .wasm and the demo key inlined, for saving and using on an
// air-gapped machine (it works from file:// with the network off). The CSP
// allows exactly the inlined script and styles, by hash.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const esbuild = join(root, 'node_modules/.bin/esbuild');
const script = execFileSync(esbuild, [
  'www/single.js', '--bundle', '--format=esm', '--minify', '--target=es2022', '--log-level=error',
  '--loader:.wasm=binary', '--loader:.json=text',
], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).replace(/<\/script/gi, '<\\/script');
const style = readFileSync(join(root, 'www/style.css'), 'utf8');
const hash = (text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

let html = readFileSync(join(root, 'www/index.html'), 'utf8');
const csp = [
  "default-src 'none'",
  `script-src ${hash(script)} 'wasm-unsafe-eval'`,
  `style-src ${hash(style)}`,
  "img-src data:",
  'connect-src https://iam.api.cloud.yandex.net http://127.0.0.1:* http://localhost:*',
  "base-uri 'none'", "form-action 'none'",
].join('; ');
const swap = (from, to) => {
  if (!html.includes(from)) throw new Error(`build-single: index.html has no ${from}`);
  html = html.replace(from, () => to);
};
swap(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/.exec(html)?.[0] ?? '<meta http-equiv="Content-Security-Policy"', `<meta http-equiv="Content-Security-Policy" content="${csp}">`);
swap('<link rel="stylesheet" href="style.css">', `<style>${style}</style>`);
swap('<script type="module" src="app.js"></script>', `<script type="module">${script}</script>`);

mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist/iamjwt.html'), html);
process.stderr.write(`build-single: dist/iamjwt.html ${html.length} bytes\n`);
