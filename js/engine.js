// The slot for a platform signer (internal: entries fill it, the API uses
// it; it is not exported from the package). A signer only imports the
// PKCS#8 the core made and signs the input the core built, RSA-PSS SHA-256
// with a 32-byte salt: `{ name, importKey(der) → key, sign(key, bytes) → bytes }`.
let engine = null;

export function registerNativeEngine(signer) {
  engine = signer;
}

export function nativeEngine() {
  return engine;
}
