#!/usr/bin/env node
// The GitHub Action (action.yml at the repository's root, runs.using:
// node24): an IAM token for the job, from an authorized key or by workload
// identity federation with the job's OIDC token. It reads its inputs as the
// runner passes them (INPUT_* variables), masks every secret input and then
// the token with ::add-mask:: before it writes anything, writes `token` and
// `expires-at` to the GITHUB_OUTPUT file, and fails with one ::error:: line,
// never a stack. Every decision about keys and tokens is the core's.
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { EOL } from 'node:os';

/** A workflow command's data, escaped as the runner reads it. */
const escape = (text) => String(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const command = (name, data) => process.stdout.write(`::${name}::${escape(data)}${EOL}`);

function fail(message) {
  command('error', message);
  process.exit(1);
}

/** An input as the runner passes it (`INPUT_<NAME>`, upper case, spaces as `_`), trimmed; undefined when empty. */
function input(name) {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Masks a secret: the whole of it, and each line (the runner masks line by line). */
function mask(secret) {
  if (secret === undefined) return;
  for (const piece of new Set([secret, ...secret.split(/\r?\n/)].map((s) => s.trim()).filter((s) => s.length >= 4))) {
    command('add-mask', piece);
  }
}

const secrets = ['yc-sa-json-credentials', 'yc-private-key'];
for (const name of secrets) mask(input(name));

let api;
try {
  api = await import('./node.mjs');
} catch (error) {
  fail(error?.code === 'ERR_MODULE_NOT_FOUND'
    ? 'iamjwt: the Action needs the built package (pkg/): use a release tag (uses: <owner>/iamjwt@vX), which carries it, not a branch'
    : `iamjwt: ${error?.code ?? 'ERR_INTERNAL'}: ${error?.message ?? error}`);
}

/** The token source the inputs name: exactly one of the three forms. */
function source() {
  const forms = {
    'yc-sa-json-credentials': ['yc-sa-json-credentials'],
    'yc-key-id + yc-service-account-id + yc-private-key': ['yc-key-id', 'yc-service-account-id', 'yc-private-key'],
    'yc-sa-id': ['yc-sa-id'],
  };
  const given = Object.entries(forms).filter(([, names]) => names.some((name) => input(name) !== undefined));
  if (given.length === 0) {
    return fail(`iamjwt: ERR_USAGE: give one of: ${Object.keys(forms).join('; ')}`);
  }
  if (given.length > 1) {
    return fail(`iamjwt: ERR_USAGE: give only one of: ${given.map(([form]) => form).join('; ')}`);
  }
  const [form, names] = given[0];
  const missing = names.filter((name) => input(name) === undefined);
  if (missing.length) return fail(`iamjwt: ERR_USAGE: ${form} needs ${missing.join(' and ')} too`);
  if (input('oidc-audience') !== undefined && form !== 'yc-sa-id') {
    return fail('iamjwt: ERR_USAGE: oidc-audience goes with yc-sa-id');
  }
  const endpoint = input('endpoint');
  const transport = endpoint === undefined ? {} : { endpoint };
  switch (form) {
    case 'yc-sa-id': {
      // The federation's audience as the anchor Action has it: https://github.com/<owner>.
      const owner = process.env.GITHUB_REPOSITORY_OWNER;
      const audience = input('oidc-audience') ?? (owner ? `https://github.com/${owner}` : undefined);
      return api.federationTokenSource({ serviceAccountId: input('yc-sa-id'), github: { audience }, ...transport });
    }
    case 'yc-sa-json-credentials':
      return api.serviceAccountTokenSource(input('yc-sa-json-credentials'), transport);
    default:
      return api.serviceAccountTokenSource({
        id: input('yc-key-id'),
        service_account_id: input('yc-service-account-id'),
        private_key: input('yc-private-key'),
      }, transport);
  }
}

const maskToken = input('mask-token') ?? 'true';
if (!['true', 'false'].includes(maskToken)) fail(`iamjwt: ERR_USAGE: mask-token is true or false, not '${maskToken.slice(0, 10)}'`);

let info;
try {
  info = await source().getTokenInfo();
} catch (error) {
  const known = error instanceof api.IamJwtError;
  fail(`iamjwt: ${known ? error.code : 'ERR_INTERNAL'}: ${known ? error.message : `unexpected failure: ${error?.message ?? error}`}`);
}

// The token is masked before any output is written.
if (maskToken === 'true') mask(info.token);
const file = process.env.GITHUB_OUTPUT;
if (!file) fail('iamjwt: ERR_USAGE: GITHUB_OUTPUT is not set: this runs as a GitHub Action step');
const delimiter = `iamjwt_${randomBytes(12).toString('hex')}`;
// Line ends as @actions/core writes them: os.EOL, CRLF on Windows runners.
appendFileSync(file, `token<<${delimiter}${EOL}${info.token}${EOL}${delimiter}${EOL}expires-at=${info.expiresAt.toISOString()}${EOL}`);
process.stdout.write(`iamjwt: got an IAM token that expires at ${info.expiresAt.toISOString()}\n`);
