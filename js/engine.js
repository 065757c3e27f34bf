// The slots for platform signers (internal: entries fill them, the API uses
// them; they are not exported from the package). A signer only imports the
// private key's DER (in its `format`, 'pkcs1' or 'pkcs8': the key the core
// checked) and, if it needs it, the public JWK the core gives (`publicJwk()`),
// and signs the input the core built, RSA-PSS SHA-256 with a 32-byte salt.
// What it returns is verified before the JWT is finished: by its own
// `verify` (the platform's public operation), or, for a signer without
// one, by the core.
//   native:    { name, format, importKey(der, publicJwk) → key, sign(key, bytes) → bytes,
//                verify(key, bytes, signature) → boolean }  (sync: node:crypto)
//   webcrypto: { name, format, importKey(der, publicJwk) → Promise<key>, sign(key, bytes) → Promise<bytes>,
//                verify(key, bytes, signature) → Promise<boolean> }
let native = null;
let webcrypto = null;

export function registerNativeEngine(signer) {
  native = signer;
}

export function nativeEngine() {
  return native;
}

export function registerWebCryptoEngine(signer) {
  webcrypto = signer;
}

export function webCryptoEngine() {
  return webcrypto;
}

// A text-file reader, where there is a file system (the Node entry: Node,
// Deno, Bun): `readTextFile(path, maxBytes) → Promise<string>`, at most
// maxBytes of the file. For a federation
// source's subject token file, re-read on every refresh.
let fileReader = null;

export function registerFileReader(read) {
  fileReader = read;
}

export function fileReaderOf() {
  return fileReader;
}
