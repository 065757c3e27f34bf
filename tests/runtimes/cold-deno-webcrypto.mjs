// Cold start in Deno, the platform's own: WebCrypto imports the PKCS#8 and
// signs the JWT cold-deno-iamjwt.mjs prints, with nothing else.
//   deno run --allow-read cold-deno-webcrypto.mjs KEY.json
import { jwtParts, webCryptoJwt } from './first-jwt.mjs';

const { pem, header, claims } = jwtParts(Deno.readTextFileSync(Deno.args[0]));
Deno.stdout.writeSync(new TextEncoder().encode(await webCryptoJwt(pem, header, claims)));
