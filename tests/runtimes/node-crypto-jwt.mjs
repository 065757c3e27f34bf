// The platform's own way to the JWT in Node, Deno and Bun: node:crypto
// imports the PEM and signs, with nothing else (no check of the key or the
// signature).
import { constants, createPrivateKey, sign } from 'node:crypto';

const b64url = (text) => Buffer.from(text).toString('base64url');

export function nodeCryptoJwt(pem, header, claims) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(input), { key: createPrivateKey(pem), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  return `${input}.${signature.toString('base64url')}`;
}
