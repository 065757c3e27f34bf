// jose's way to the JWT that iamjwt makes: import the PKCS#8, sign the claims.
import { importPKCS8, SignJWT } from 'jose';
import { jwtParts } from './first-jwt.mjs';

export async function joseJwt(json) {
  const { pem, header, claims } = jwtParts(json);
  return new SignJWT(claims).setProtectedHeader(header).sign(await importPKCS8(pem, 'PS256'));
}
