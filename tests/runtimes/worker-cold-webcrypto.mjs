// Cold start in a Worker, the platform's own: WebCrypto imports the PKCS#8
// and signs the JWT worker-cold-iamjwt.mjs answers, with nothing else.
import { jwtParts, webCryptoJwt } from './first-jwt.mjs';

export default {
  async fetch(request) {
    const { pem, header, claims } = jwtParts(await request.text());
    return new Response(await webCryptoJwt(pem, header, claims));
  },
};
