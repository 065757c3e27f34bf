// The WebCrypto engine, where the platform has crypto.subtle (browsers,
// workerd, Deno, Bun, Node 19+): RSA-PSS, SHA-256, salt 32. The key is
// imported non-extractable from the PKCS#8 the core made, once per parsed
// key; the caller wipes the bytes once the import has read them.
import { registerWebCryptoEngine } from './engine.js';

const subtle = globalThis.crypto?.subtle;
if (subtle && typeof subtle.importKey === 'function' && typeof subtle.sign === 'function') {
  const RSA_PSS = { name: 'RSA-PSS', hash: 'SHA-256' };
  registerWebCryptoEngine({
    name: 'webcrypto',
    importKey: (der) => subtle.importKey('pkcs8', der, RSA_PSS, false, ['sign']),
    sign: async (key, data) => new Uint8Array(await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, key, data)),
  });
}
