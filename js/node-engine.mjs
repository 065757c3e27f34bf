// The native engine for Node: RSASSA-PSS SHA-256, MGF1-SHA-256, salt 32,
// through node:crypto (OpenSSL). It imports the DER of a key the core
// parsed and checked, and signs input the core built. The DER's format is
// the one this Node reads fastest (bench/levers.md, "The first JWT"): PKCS#8
// from Node 22 (61 µs for RSA-2048, PKCS#1 150 µs), PKCS#1 before it (Node
// 18 and 20: 254 µs, PKCS#8 753 µs); Deno and Bun read both alike.
import { builtin } from '#builtin';
import { registerFileReader, registerNativeEngine } from './engine.js';

// Node's built-ins are loaded when first used, not when the package is
// imported: node:crypto when a key is first signed with (loading it takes
// Bun about 9 ms and Deno 2–4), node:fs/promises when a subject token file
// is read. Deno starts its Node layer on the first use of any of them, or of
// `process` (about 30 ms), so a Deno program that signs nothing natively
// (a metadata, IBM or federation token source) never starts it
// (bench/levers.md).
let loaded;
const nodeCrypto = () => (loaded ??= builtin('node:crypto'));
const pss = () => ({ padding: nodeCrypto().constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
const format = () => (Number(globalThis.process.versions.node?.split('.')[0]) >= 22 ? 'pkcs8' : 'pkcs1');
const bytes = (der) => Buffer.from(der.buffer, der.byteOffset, der.byteLength);

registerNativeEngine({
  name: 'node:crypto',
  // In Deno, node:crypto starts Deno's Node layer (30–45 ms) and signs no
  // faster than WebCrypto, so signJwtAsync and the token sources take
  // WebCrypto there; signJwt, which is synchronous, still takes node:crypto.
  slowToLoad: globalThis.Deno !== undefined,
  get format() {
    return format();
  },
  importKey: (der) => {
    const { createPrivateKey, createPublicKey } = nodeCrypto();
    const privateKey = createPrivateKey({ key: bytes(der), format: 'der', type: format() });
    return { private: privateKey, public: createPublicKey(privateKey) };
  },
  sign: (key, data) => nodeCrypto().sign('sha256', data, { key: key.private, ...pss() }),
  // OpenSSL's public operation checks the signature before it becomes a JWT.
  verify: (key, data, signature) => nodeCrypto().verify('sha256', data, { key: key.public, ...pss() }, signature),
});

// At most `maxBytes` of the file: a subject token file is small, and a
// wrong path (a log, a device) must not be read whole.
registerFileReader(async (path, maxBytes) => {
  const file = await builtin('node:fs/promises').open(path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes);
    let size = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, size, maxBytes - size, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size === maxBytes) break;
    }
    return buffer.subarray(0, size).toString('utf8');
  } finally {
    await file.close();
  }
});
