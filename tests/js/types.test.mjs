// The package's TypeScript types as a TypeScript user meets them: a project
// that imports (ESM) and requires (CommonJS) iamjwt, checked by tsc in
// strict mode with the types themselves checked too (no skipLibCheck). The
// `@ts-expect-error` lines fail the check if the types did not load, since
// then everything would be `any`. And the types declare exactly what the
// entry exports.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { entries, root } from './helpers.mjs';

const ESM = `
import {
  parseKey, signJwt, verifyJwt, decodeJwt, checkKey, defaults, defaultEngine, IamJwtError,
  ERROR_CODES, TokenSource, serviceAccountTokenSource, metadataTokenSource, exchangeJwt,
  type AuthorizedKey, type IamJwtErrorCode, type KeyReport, type TokenInfo,
} from 'iamjwt';

const key: AuthorizedKey = parseKey('{}');
const id: string = key.id;
const jwt: string = signJwt(key, { ttl: 600, now: new Date(), engine: 'wasm' });
const payload: Record<string, unknown> = verifyJwt(jwt, key, { leeway: 30 }).payload;
const header: Record<string, unknown> = decodeJwt(jwt).header;
const report: KeyReport = checkKey(new Uint8Array(), { now: 0 });
const failed: string[] = report.checks.filter((c) => c.verdict === 'fail').map((c) => c.id);
const ttl: number = defaults().maxTtl;
const engine: 'native' | 'wasm' = defaultEngine();
const codes: readonly IamJwtErrorCode[] = ERROR_CODES;
try {
  signJwt('{}');
} catch (e) {
  if (e instanceof IamJwtError && e.code === 'ERR_KEY_NOT_JSON') console.log(e.message, e.requestId);
}
const source = serviceAccountTokenSource(key, { endpoint: 'http://127.0.0.1/iam/v1/tokens', retry: { attempts: 2 } });
const own = new TokenSource(async (): Promise<TokenInfo> => ({ token: 't', expiresAt: new Date() }));
const sources: TokenSource[] = [source, own, metadataTokenSource({ flavor: 'gce' })];
const token: Promise<string> = source.getToken();
const info: Promise<TokenInfo> = exchangeJwt(jwt, { timeoutMs: 1000 });
key.free();

// @ts-expect-error signJwt returns a string
const wrong: number = signJwt(key);
// @ts-expect-error engine is 'auto', 'native' or 'wasm'
signJwt(key, { engine: 'fast' });
// @ts-expect-error an error code is one of IamJwtErrorCode
const code: IamJwtErrorCode = 'ERR_NO_SUCH_CODE';
// @ts-expect-error the private key is not visible
key.privateKey;

export { id, payload, header, failed, ttl, engine, codes, sources, token, info, wrong, code };
`;

const CJS = `
import iamjwt = require('iamjwt');

const jwt: string = iamjwt.signJwt(iamjwt.parseKey('{}'), { ttl: 60 });
const error: iamjwt.IamJwtError | undefined = undefined;
// @ts-expect-error signJwt returns a string
const wrong: number = iamjwt.signJwt('{}');

export { jwt, error, wrong };
`;

test('TypeScript projects type-check against the package through import and require', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iamjwt-types-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules/iamjwt'), 'dir');
    // No "type": a CommonJS project, so .ts files would compile to require().
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [], lib: ['es2022', 'dom', 'esnext.disposable'] },
      files: ['esm.mts', 'cjs.cts'],
    }));
    writeFileSync(join(dir, 'esm.mts'), ESM);
    writeFileSync(join(dir, 'cjs.cts'), CJS);
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, `tsc:\n${r.stdout}${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the types declare what the Node entry exports, and nothing else', () => {
  const dts = readFileSync(join(root, 'js/index.d.ts'), 'utf8');
  const declared = [...dts.matchAll(/^export (?:declare )?(?:function|class|const) (\w+)/gm)].map((m) => m[1]);
  const exported = Object.keys(entries['node (js/node.mjs)']);
  assert.deepEqual([...new Set(declared)].sort(), exported.sort());
});
