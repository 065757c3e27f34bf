// The WebCrypto engine, where the platform has crypto.subtle (browsers,
// workerd, Deno, Bun, Node 19+): RSA-PSS, SHA-256, salt 32. The key is
// imported non-extractable from the key's PKCS#8 the core gave, once per parsed
// key, with its public half from the core's JWK, which checks every
// signature; the caller wipes the PKCS#8 once the import has read it.
import { registerWebCryptoEngine } from './engine.js';

const subtle = globalThis.crypto?.subtle;
if (subtle && typeof subtle.importKey === 'function' && typeof subtle.sign === 'function' && typeof subtle.verify === 'function') {
  const RSA_PSS = { name: 'RSA-PSS', hash: 'SHA-256' };
  const PSS = { name: 'RSA-PSS', saltLength: 32 };
  registerWebCryptoEngine({
    name: 'webcrypto',
    format: 'pkcs8',
    importKey: async (pkcs8, publicJwk) => {
      const [privateKey, publicKey] = await Promise.all([
        subtle.importKey('pkcs8', pkcs8, RSA_PSS, false, ['sign']),
        subtle.importKey('jwk', publicJwk(), RSA_PSS, false, ['verify']),
      ]);
      return { private: privateKey, public: publicKey };
    },
    sign: async (key, data) => new Uint8Array(await subtle.sign(PSS, key.private, data)),
    verify: (key, data, signature) => subtle.verify(PSS, key.public, signature, data),
  });
}
