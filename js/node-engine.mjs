// The native engine for Node: RSASSA-PSS SHA-256, MGF1-SHA-256, salt 32,
// through node:crypto (OpenSSL). It receives PKCS#8 that the core made from
// a key the core parsed and checked, and signs input the core built.
import { constants, createPrivateKey, sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { registerFileReader, registerNativeEngine } from './engine.js';

registerNativeEngine({
  name: 'node:crypto',
  importKey: (der) => createPrivateKey({ key: Buffer.from(der.buffer, der.byteOffset, der.byteLength), format: 'der', type: 'pkcs8' }),
  sign: (key, data) => sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
});

registerFileReader((path) => readFile(path, 'utf8'));
