// What every peer signs in the cold-start and first-JWT benches, and the
// platform's own way to it where there is WebCrypto (no node: module: this
// runs in workerd and browsers too).

/** The key file's PEM (without the Yandex Cloud preamble), the JWT's header and its claims. */
export function jwtParts(json) {
  const file = JSON.parse(json);
  const now = Math.floor(Date.now() / 1000);
  return {
    pem: file.private_key.replace(/^PLEASE.*\n/, ''),
    header: { typ: 'JWT', alg: 'PS256', kid: file.id },
    claims: { iss: file.service_account_id, aud: 'https://iam.api.cloud.yandex.net/iam/v1/tokens', iat: now, exp: now + 3600 },
  };
}

const b64url = (binary) => btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** WebCrypto imports the PKCS#8 and signs: nothing else (no check of the key or the signature). */
export async function webCryptoJwt(pem, header, claims) {
  const der = Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, '')), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey('pkcs8', der, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, key, new TextEncoder().encode(input)));
  return `${input}.${b64url(String.fromCharCode(...signature))}`;
}
