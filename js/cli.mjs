#!/usr/bin/env node
// The iamjwt command line. Parses arguments, reads files and stdin, prints;
// every decision about keys and tokens is the core's, through the package API.
//
// stdout carries only the result (the JWT, the report). Failures are one
// stderr line, `iamjwt: <CODE>: <message>`, exit 1; misuse exits 2.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkKey, decodeJwt, parseKey, signJwt, verifyJwt, IamJwtError } from './node.mjs';

class CliError extends Error {
  constructor(code, message, exitCode = 1) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
  }
}

const usage = (message, command) =>
  new CliError('ERR_USAGE', `${message}. See 'iamjwt ${command ? `${command} ` : ''}--help'`, 2);

const HELP = {
  main: `iamjwt: mint Yandex Cloud IAM JWTs from an authorized key, offline.

Usage
  iamjwt <command> [options]

Commands
  jwt       sign a JWT to exchange for an IAM token
  check     check an authorized key offline
  decode    show a JWT's header and payload
  verify    verify a JWT's signature and claims

Options
  --help     help for any command
  --version  the version

Keys come from --key FILE, --key - (stdin), or the IAMJWT_KEY
environment variable holding the key JSON itself (as CI secrets do).

Examples
  iamjwt jwt --key key.json
  iamjwt check --key key.json
  IAMJWT_KEY="$(cat key.json)" iamjwt jwt
`,
  jwt: `Sign a PS256 JWT for the Yandex Cloud IAM token exchange.

Usage
  iamjwt jwt --key FILE [--ttl SECONDS] [--aud URL]

Options
  --key FILE     the authorized key JSON; - reads stdin; default $IAMJWT_KEY
  --ttl SECONDS  lifetime, 1 to 3600 (default 3600)
  --aud URL      audience (default https://iam.api.cloud.yandex.net/iam/v1/tokens)
  --now SECONDS  issue time, seconds since the epoch (default: now)

Prints the JWT and a newline.

Examples
  iamjwt jwt --key key.json
  iamjwt jwt --key key.json --ttl 600
  curl -sX POST https://iam.api.cloud.yandex.net/iam/v1/tokens \\
       -d "{\\"jwt\\":\\"$(iamjwt jwt --key key.json)\\"}"
`,
  check: `Check an authorized key offline: format, key, sizes, ids, a test signature.

Usage
  iamjwt check --key FILE [--json]

Options
  --key FILE  the authorized key JSON; - reads stdin; default $IAMJWT_KEY
  --json      print the report as JSON

Prints one line per check. Exits 0 when the key can mint tokens, 1 when not.

Examples
  iamjwt check --key key.json
  iamjwt check --key key.json --json | jq '.checks[] | select(.ok | not)'
`,
  decode: `Show a JWT's header and payload, without checking anything.

Usage
  iamjwt decode JWT

Arguments
  JWT  the token; - reads it from stdin

Examples
  iamjwt decode eyJ0eXAiOiJKV1Qi...
  iamjwt jwt --key key.json | iamjwt decode -
`,
  verify: `Verify a JWT: PS256 signature, lifetime, expiry, and kid/iss against the key.

Usage
  iamjwt verify JWT --key FILE [--aud URL] [--leeway SECONDS]

Arguments
  JWT  the token; - reads it from stdin

Options
  --key FILE         an authorized key, a key description with public_key,
                     or a public-key PEM; - reads stdin; default $IAMJWT_KEY
  --aud URL          require this audience
  --leeway SECONDS   clock skew allowed (default 60)
  --now SECONDS      check as of this time (default: now)

Exits 0 when valid, 1 when not, saying why.

Examples
  iamjwt verify "$JWT" --key key.json
  iamjwt jwt --key key.json | iamjwt verify - --key key.json
`,
};

const COMMON = { help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } };
const OPTIONS = {
  jwt: { key: { type: 'string' }, ttl: { type: 'string' }, aud: { type: 'string' }, now: { type: 'string' } },
  check: { key: { type: 'string' }, json: { type: 'boolean' } },
  decode: {},
  verify: { key: { type: 'string' }, aud: { type: 'string' }, leeway: { type: 'string' }, now: { type: 'string' } },
};
const POSITIONALS = { jwt: 0, check: 0, decode: 1, verify: 1 };

let stdinUsed = false;
function readStdin(what) {
  if (stdinUsed) throw usage(`only one of the inputs can be read from stdin (${what} asked too)`);
  stdinUsed = true;
  try {
    return readFileSync(0, 'utf8');
  } catch (e) {
    throw new CliError('ERR_INPUT_READ', `cannot read ${what} from stdin: ${e.code ?? e.message}`);
  }
}

function readKey(values, command) {
  const file = values.key;
  if (file === undefined) {
    const env = process.env.IAMJWT_KEY;
    if (env !== undefined && env.trim() !== '') return env;
    throw usage('no key: give --key FILE, --key - for stdin, or set IAMJWT_KEY', command);
  }
  if (file === '-') return readStdin('the key');
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const why = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a directory' }[e.code] ?? e.code ?? e.message;
    throw new CliError('ERR_INPUT_READ', `cannot read the key file ${file}: ${why}`);
  }
}

function readToken(positional) {
  const token = positional === '-' ? readStdin('the JWT') : positional;
  return token.trim();
}

function integer(value, name, command) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usage(`--${name} must be a whole number of seconds, not '${value.slice(0, 20)}'`, command);
  return Number(value);
}

const commands = {
  jwt(values, _, command) {
    const key = readKey(values, command);
    const jwt = signJwt(key, {
      ttl: integer(values.ttl, 'ttl', command),
      audience: values.aud,
      now: integer(values.now, 'now', command),
    });
    process.stdout.write(`${jwt}\n`);
    return 0;
  },

  check(values, _, command) {
    const report = checkKey(readKey(values, command));
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const width = Math.max(...report.checks.map((c) => c.id.length));
      const mark = { pass: 'pass', fail: 'FAIL', skip: 'skip' };
      for (const c of report.checks) {
        process.stdout.write(`${mark[c.verdict]}  ${c.id.padEnd(width)}  ${c.message}\n`);
      }
    }
    return report.ok ? 0 : 1;
  },

  decode(_, [token]) {
    process.stdout.write(`${JSON.stringify(decodeJwt(readToken(token)), null, 2)}\n`);
    return 0;
  },

  verify(values, [token], command) {
    const jwt = readToken(token);
    const key = readKey(values, command);
    const { header, payload } = verifyJwt(jwt, key, {
      audience: values.aud,
      leeway: integer(values.leeway, 'leeway', command),
      now: integer(values.now, 'now', command),
    });
    const now = integer(values.now, 'now', command) ?? Math.floor(Date.now() / 1000);
    process.stdout.write(
      `valid: PS256, kid ${header.kid ?? '-'}, iss ${payload.iss ?? '-'}, expires in ${payload.exp - now} s\n`,
    );
    return 0;
  },
};

function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' && rest[0] in HELP ? rest[0] : 'main';
    process.stdout.write(HELP[topic]);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (!Object.hasOwn(commands, command)) throw usage(`unknown command '${command.slice(0, 40)}'`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...COMMON, ...OPTIONS[command] }, allowPositionals: true, strict: true });
  } catch (e) {
    // Node's messages run on ("... To specify a positional argument ..."): keep the first sentence.
    const first = e.message.split(/\.(?:\s|$)/)[0];
    throw usage(first.charAt(0).toLowerCase() + first.slice(1), command);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP[command]);
    return 0;
  }
  if (positionals.length !== POSITIONALS[command]) {
    throw usage(
      POSITIONALS[command] ? `${command} takes one JWT (or - for stdin)` : `${command} takes no arguments, got '${positionals[0].slice(0, 40)}'`,
      command,
    );
  }
  return commands[command](values, positionals, command);
}

const debug = process.argv.includes('--debug');
try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  const known = error instanceof CliError || error instanceof IamJwtError;
  const code = known ? error.code : 'ERR_INTERNAL';
  const message = known ? error.message : `unexpected failure: ${error?.message ?? error}`;
  process.stderr.write(`iamjwt: ${code}: ${message}\n`);
  if (debug) process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
}
