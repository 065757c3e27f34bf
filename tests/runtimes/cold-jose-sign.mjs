// jose's way to the JWT that iamjwt makes: import the PKCS#8, sign the claims.
import { importPKCS8, SignJWT } from 'jose';

export async function joseJwt(json) {
  const file = JSON.parse(json);
  const key = await importPKCS8(file.private_key.replace(/^PLEASE.*\n/, ''), 'PS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: file.service_account_id, aud: 'https://iam.api.cloud.yandex.net/iam/v1/tokens', iat: now, exp: now + 3600 })
    .setProtectedHeader({ typ: 'JWT', alg: 'PS256', kid: file.id })
    .sign(key);
}
