// Cold start in Deno, the platform's own: WebCrypto imports the PKCS#8 and
// signs the JWT cold-deno-iamjwt.mjs prints, with nothing else.
//   deno run --allow-read cold-deno-webcrypto.mjs KEY.json
const part = (value) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const file = JSON.parse(Deno.readTextFileSync(Deno.args[0]));
const now = Math.floor(Date.now() / 1000);
const input = `${part({ typ: 'JWT', alg: 'PS256', kid: file.id })}.${part({ iss: file.service_account_id, aud: 'https://iam.api.cloud.yandex.net/iam/v1/tokens', iat: now, exp: now + 3600 })}`;
const der = Uint8Array.from(atob(file.private_key.replace(/^PLEASE.*\n/, '').replace(/-----[^-]+-----|\s/g, '')), (c) => c.charCodeAt(0));
const key = await crypto.subtle.importKey('pkcs8', der, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
const signature = new Uint8Array(await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, key, new TextEncoder().encode(input)));
const sig = btoa(String.fromCharCode(...signature)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
Deno.stdout.writeSync(new TextEncoder().encode(`${input}.${sig}`));
