#!/usr/bin/env node
// The iamjwt command line. Parses arguments, reads files and stdin, prints;
// every decision about keys and tokens is the core's, through the package API.
//
// stdout carries only the result (the JWT, the report). Failures are one
// stderr line, `iamjwt: <CODE>: <message>`, exit 1; misuse exits 2.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';

// Loaded dynamically so that an engine that cannot run the .wasm gets the
// one-line error, not a trace.
let api;
try {
  api = await import('./node.mjs');
} catch (error) {
  process.stderr.write(`iamjwt: ${error?.code ?? 'ERR_INTERNAL'}: ${error?.message ?? error}\n`);
  process.exit(1);
}
const { unreadableWhy } = await import('./errors.js');
const {
  checkKey, decodeJwt, signJwt, verifyJwt, IamJwtError, defaults,
  serviceAccountTokenSource, oauthTokenSource, metadataTokenSource, ibmTrustedProfileTokenSource, federationTokenSource,
} = api;

// Every URL, path and bound the help names is the core's (written once there).
const D = defaults();
const P = D.paths;

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
  token     get an IAM token (key, federation, OAuth token, VM metadata, IBM)
  check     check an authorized key offline
  decode    show a JWT's header and payload
  verify    verify a JWT's signature and claims
  emulator  run a local stand-in for every token source, for tests

Options
  --help     help for any command
  --version  the version

Keys come from --key FILE, --key - (stdin), or the IAMJWT_KEY environment
variable, else YC_SERVICE_ACCOUNT_KEY_FILE (as yc and Terraform have it):
a path, the key JSON, or the JSON as base64 (as CI secrets often are).

Examples
  iamjwt jwt --key key.json
  iamjwt token --key key.json
  iamjwt check --key key.json
  IAMJWT_KEY="$(cat key.json)" iamjwt token
`,
  token: `Get an IAM token and print it.

Usage
  iamjwt token --key FILE [--endpoint URL] [--aud URL] [--json]
  iamjwt token --federation SA_ID --subject-token-file FILE [--endpoint URL] [--json]
  iamjwt token --federation SA_ID --subject-token - [--endpoint URL] [--json]
  iamjwt token --federation SA_ID --github-oidc [--oidc-audience AUD] [--json]
  iamjwt token --oauth-file FILE [--endpoint URL] [--json]
  iamjwt token --oauth - [--endpoint URL] [--json]
  iamjwt token --metadata gce|ec2 [--metadata-url URL] [--json]
  iamjwt token --ibm-profile ID_OR_CRN [--metadata-url URL] [--json]

Options
  --key FILE           exchange a JWT signed with this authorized key;
                       - reads stdin; default $IAMJWT_KEY, then
                       $YC_SERVICE_ACCOUNT_KEY_FILE
  --federation SA_ID   workload identity federation: exchange an external
                       OIDC token for this service account's IAM token
  --subject-token -    read the OIDC token from stdin
  --subject-token-file FILE
                       read the OIDC token from FILE (a Kubernetes
                       projected token, say; at most 16 KB, a JWT)
  --github-oidc        ask GitHub Actions for the job's OIDC token (the job
                       needs permissions: id-token: write)
  --oidc-audience AUD  that token's audience (default: GitHub's)
  --oauth-file FILE    exchange the Yandex OAuth token in FILE
  --oauth -            the same, read from stdin
  --metadata FLAVOR    ask the VM's metadata service, gce or ec2 format
  --ibm-profile VALUE  an IBM Cloud trusted profile id, or a CRN (crn:…);
                       'default' for the instance's default profile
  --ibm-service-version V
                       the instance metadata service's version, 2022-03-01
                       (default) or 2025-08-26
  --endpoint URL       the IAM token URL
                       (default ${D.endpoint};
                       for --federation ${D.federationEndpoint})
  --aud URL            the JWT's audience (default: --endpoint)
  --metadata-url URL   the metadata service (default ${D.metadataUrl})
  --timeout SECONDS    per attempt (default 10; 2 for metadata)
  --json               print {"iamToken","expiresAt"}
  --allow-insecure-http
                       send the credential over plain http to any host;
                       without it http:// goes only to 127.0.0.0/8, ::1,
                       localhost and (metadata, IBM) ${new URL(D.metadataUrl).host}

Retries network errors, 429 and 5xx with backoff; never other 4xx.
Secrets go in files, stdin or the environment, never in arguments, which
ps and shell history show.

Examples
  iamjwt token --key key.json
  yc_token=$(iamjwt token --key key.json) && curl -H "Authorization: Bearer $yc_token" …
  iamjwt token --federation ajeabc123 --github-oidc
  iamjwt token --federation ajeabc123 --subject-token-file /var/run/secrets/tokens/yc
  iamjwt token --metadata gce --json
  iamjwt token --key key.json --endpoint http://127.0.0.1:8910${P.iam}
`,
  emulator: `Run a local stand-in for every token source, as strict as the real ones.

Usage
  iamjwt emulator --key FILE [--key FILE…] [--oidc-issuer FILE…] [--port N]

Options
  --key FILE       register this authorized key's public key (repeatable);
                   the first one's service account is the VM's
  --oidc-issuer FILE
                   an OIDC issuer whose RS256 tokens federation exchanges
                   (repeatable), as JSON: {"issuer", "audiences": [...],
                   "subjects": {"SA_ID": ["sub", ...]}, "keys": [JWK...]}
                   ("publicKey": PEM may stand in for "keys")
  --port N         port on 127.0.0.1 (default 8910; 0 picks a free one)
  --cors-origin O  a page origin (http://127.0.0.1:5173, say) that may call
                   IAM and federation from a browser (repeatable); no
                   other origin gets CORS headers, and the metadata paths
                   never do

Serves, on one port, until interrupted:
  POST ${P.iam}   IAM's JWT exchange (aud: this URL or IAM's own)
  GET  ${P.gce}
  GET  ${P.ec2}
  PUT  ${P.ibmInstance}, POST ${P.ibmIam}
  POST ${P.federation}     workload identity federation
Prints the IAM token URL on stdout, the rest on stderr. Answers only
requests addressed to 127.0.0.1:PORT or localhost:PORT.

Examples
  iamjwt emulator --key key.json
  iamjwt token --key key.json --endpoint http://127.0.0.1:8910${P.iam}
  iamjwt token --metadata gce --metadata-url http://127.0.0.1:8910
  iamjwt emulator --key key.json --oidc-issuer issuer.json
  iamjwt token --federation SA_ID --subject-token-file oidc.jwt --endpoint http://127.0.0.1:8910${P.federation}
`,
  jwt: `Sign a PS256 JWT for the Yandex Cloud IAM token exchange.

Usage
  iamjwt jwt --key FILE [--ttl SECONDS] [--aud URL]

Options
  --key FILE     the authorized key JSON; - reads stdin; default $IAMJWT_KEY
  --ttl SECONDS  lifetime, 1 to ${D.maxTtl} (default ${D.ttl})
  --aud URL      audience (default ${D.audience})
  --now SECONDS  issue time, seconds since the epoch (default: now)

Prints the JWT and a newline.

Examples
  iamjwt jwt --key key.json
  iamjwt jwt --key key.json --ttl 600
  curl -sX POST ${D.endpoint} \\
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
  iamjwt decode -

Arguments
  -    read the JWT from stdin (a JWT in an argument shows in ps and
       shell history; one is still taken)

Examples
  iamjwt jwt --key key.json | iamjwt decode -
  iamjwt decode - < token.jwt
`,
  verify: `Verify a JWT: PS256 signature, lifetime, expiry, and kid/iss against the key.

Usage
  iamjwt verify - --key FILE [--aud URL] [--leeway SECONDS]

Arguments
  -    read the JWT from stdin (a JWT in an argument shows in ps and
       shell history; one is still taken)

Options
  --key FILE         an authorized key, a key description with public_key,
                     or a public-key PEM; - reads stdin; default $IAMJWT_KEY
  --aud URL          require this audience
  --leeway SECONDS   clock skew allowed (default ${D.leeway})
  --now SECONDS      check as of this time (default: now)

Exits 0 when valid, 1 when not, saying why.

Examples
  iamjwt jwt --key key.json | iamjwt verify - --key key.json
  iamjwt verify - --key key.json < token.jwt
`,
};

const COMMON = { help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } };
const OPTIONS = {
  token: {
    key: { type: 'string' }, oauth: { type: 'string' }, 'oauth-file': { type: 'string' }, metadata: { type: 'string' }, 'ibm-profile': { type: 'string' },
    federation: { type: 'string' }, 'subject-token': { type: 'string' }, 'subject-token-file': { type: 'string' },
    'ibm-service-version': { type: 'string' },
    'github-oidc': { type: 'boolean' }, 'oidc-audience': { type: 'string' },
    endpoint: { type: 'string' }, aud: { type: 'string' }, 'metadata-url': { type: 'string' },
    timeout: { type: 'string' }, json: { type: 'boolean' }, 'allow-insecure-http': { type: 'boolean' },
  },
  emulator: {
    key: { type: 'string', multiple: true }, 'oidc-issuer': { type: 'string', multiple: true }, port: { type: 'string' },
    'cors-origin': { type: 'string', multiple: true },
  },
  jwt: { key: { type: 'string' }, ttl: { type: 'string' }, aud: { type: 'string' }, now: { type: 'string' } },
  check: { key: { type: 'string' }, json: { type: 'boolean' } },
  decode: {},
  verify: { key: { type: 'string' }, aud: { type: 'string' }, leeway: { type: 'string' }, now: { type: 'string' } },
};
const POSITIONALS = { token: 0, emulator: 0, jwt: 0, check: 0, decode: 1, verify: 1 };

let stdinUsed = false;
/** The most any input is read to, a file or stdin: every input the CLI takes is far smaller (a key file is at most 64 KB). */
const INPUT_MAX = 1024 * 1024;

/** The wait below blocks on this (nothing ever wakes it: each wait times out). */
const nap = new Int32Array(new SharedArrayBuffer(4));

/**
 * All of `fd`'s bytes as text, read as they stream and never more than
 * INPUT_MAX (a wrong path such as /dev/zero or a log must not be read
 * whole); `tooLarge()` is the error past it. Every buffer is wiped.
 */
function readAll(fd, tooLarge) {
  const chunks = [];
  const buffer = Buffer.alloc(64 * 1024);
  let size = 0;
  try {
    for (;;) {
      let read;
      try {
        read = readSync(fd, buffer, 0, buffer.length, null);
      } catch (e) {
        // A non-blocking stdin (a pipe or socket a parent process made) with
        // nothing in it yet: wait for the writer, 5 ms at a time.
        if (e.code === 'EAGAIN') {
          Atomics.wait(nap, 0, 0, 5);
          continue;
        }
        if (e.code === 'EOF') break;
        throw e;
      }
      if (read === 0) break;
      size += read;
      if (size > INPUT_MAX) throw tooLarge();
      chunks.push(Buffer.from(buffer.subarray(0, read)));
    }
    const bytes = Buffer.concat(chunks);
    const text = bytes.toString('utf8');
    bytes.fill(0);
    return text;
  } finally {
    buffer.fill(0);
    for (const chunk of chunks) chunk.fill(0);
  }
}

function readStdin(what) {
  if (stdinUsed) throw usage(`only one of the inputs can be read from stdin (${what} asked too)`);
  stdinUsed = true;
  try {
    return readAll(0, () => new CliError('ERR_INPUT_TOO_LARGE', `stdin holds more than ${INPUT_MAX / 1024} KB; ${what} is far smaller`));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError('ERR_INPUT_READ', `cannot read ${what} from stdin: ${e.code ?? e.message}`);
  }
}

function readKey(values, command) {
  const file = values.key;
  if (file !== undefined) return readFile(file, file === '-' ? 'the key' : '--key', 'in IAMJWT_KEY or on stdin with --key -');
  for (const name of ['IAMJWT_KEY', 'YC_SERVICE_ACCOUNT_KEY_FILE']) {
    const value = process.env[name];
    if (value !== undefined && value.trim() !== '') return keyFromEnvironment(name, value);
  }
  throw usage('no key: give --key FILE, --key - for stdin, or set IAMJWT_KEY (or YC_SERVICE_ACCOUNT_KEY_FILE)', command);
}

/**
 * A key variable's key: the JSON itself, a path to it, or the JSON as
 * base64. A path is what names a file; anything else goes to the core as
 * it is, which reads base64 and says what other text is.
 */
function keyFromEnvironment(name, value) {
  const text = value.trim();
  if (text.startsWith('{')) return value;
  let isFile = false;
  try {
    isFile = statSync(text).isFile();
  } catch { /* not a path */ }
  return isFile ? readFile(text, `the key file ${name} names`) : value;
}

/**
 * How a value that is not a readable file is named in a message. A path is
 * quoted; anything that may be a secret (the key's JSON or its base64, a
 * token pasted in the wrong place) never is, and the message names the
 * ways to pass it that stay out of argv.
 */
function unreadable(value, flag, why, ways) {
  const text = String(value);
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || /"private_key"|"privateKey"|PRIVATE KEY/.test(text)) {
    return `the ${flag} value is the key's JSON itself, not a path; it is not shown. Pass it ${ways} instead: an argument shows in ps and shell history`;
  }
  const pathLike = text.length <= 200 && /^[\w./~:+@-]+$/.test(text) && !/^[A-Za-z0-9+/=_-]{40,}$/.test(text);
  if (!pathLike) {
    return `the ${flag} value is not a readable file, and looks like base64 or a token, so it is not shown. Pass a secret ${ways}: an argument shows in ps and shell history`;
  }
  return `cannot read ${flag} ${text}: ${why}`;
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

/** A file's text (or stdin's, for -). `flag` names the option; `ways` says how to pass a secret outside argv. */
function readFile(file, flag, ways = 'in a file') {
  if (file === '-') return readStdin(flag);
  let fd;
  try {
    fd = openSync(file, 'r');
    return readAll(fd, () => new CliError('ERR_INPUT_TOO_LARGE', unreadable(file, flag, `it holds more than ${INPUT_MAX / 1024} KB, and every input iamjwt reads is far smaller`, ways)));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError('ERR_INPUT_READ', unreadable(file, flag, unreadableWhy(e), ways));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The token command's flags as the API's options: the CLI chooses the
 * source from the flag that names it, maps every other flag it was given
 * to its option, and the core decides which options the source takes (an
 * option it does not take is named back as its flag).
 */
const FLAG_OPTIONS = {
  endpoint: 'endpoint', aud: 'audience', 'metadata-url': 'baseUrl', timeout: 'timeoutMs',
  'allow-insecure-http': 'allowInsecureHttp', 'subject-token': 'subjectToken', 'subject-token-file': 'subjectTokenFile',
  'ibm-service-version': 'serviceVersion',
  'github-oidc': 'github', 'oidc-audience': 'github',
};

function tokenSource(values, command) {
  const sources = ['key', 'federation', 'oauth', 'oauth-file', 'metadata', 'ibm-profile'].filter((name) => values[name] !== undefined);
  if (sources.length > 1) throw usage(`give only one of --${sources.join(', --')}`, command);
  const source = sources[0] ?? 'key';
  if (values['oidc-audience'] !== undefined && !values['github-oidc']) throw usage('--oidc-audience goes with --github-oidc', command);
  const options = {};
  for (const [flag, option] of Object.entries(FLAG_OPTIONS)) {
    if (values[flag] === undefined) continue;
    if (flag === 'timeout') options.timeoutMs = integer(values.timeout, 'timeout', command) * 1000;
    else if (flag === 'subject-token') options.subjectToken = values[flag] === '-' ? readStdin('the subject token').trim() : values[flag];
    else if (option === 'github') options.github = { audience: values['oidc-audience'] };
    else options[option] = values[flag];
  }
  // An option the core says the source does not take, named as its flag.
  const flagOf = (option) => Object.keys(FLAG_OPTIONS).find((flag) => FLAG_OPTIONS[flag] === option && values[flag] !== undefined);
  try {
    switch (source) {
      case 'federation':
        return federationTokenSource({ serviceAccountId: values.federation, ...options });
      case 'oauth':
      case 'oauth-file': {
        const token = source === 'oauth-file'
          ? readFile(values['oauth-file'], '--oauth-file')
          : values.oauth === '-' ? readStdin('the OAuth token') : values.oauth;
        return oauthTokenSource(token.trim(), options);
      }
      case 'metadata':
        return metadataTokenSource({ flavor: values.metadata, ...options });
      case 'ibm-profile':
        return ibmTrustedProfileTokenSource({ profile: values['ibm-profile'], ...options });
      default:
        return serviceAccountTokenSource(readKey(values, command), options);
    }
  } catch (error) {
    const option = /has no option "(\w+)"/.exec(error?.message ?? '')?.[1];
    if (error?.code === 'ERR_OPTION_INVALID' && option && flagOf(option)) {
      throw usage(`--${flagOf(option)} does not apply to --${source}`, command);
    }
    if (error?.code === 'ERR_OPTION_INVALID' && /takes one of subjectToken, subjectTokenFile or github/.test(error.message)) {
      throw usage('--federation takes one of --subject-token, --subject-token-file or --github-oidc', command);
    }
    throw error;
  }
}

const commands = {
  async token(values, _, command) {
    const { token, expiresAt } = await tokenSource(values, command).getTokenInfo();
    process.stdout.write(values.json ? `${JSON.stringify({ iamToken: token, expiresAt: expiresAt.toISOString() })}\n` : `${token}\n`);
    return 0;
  },

  async emulator(values, _, command) {
    const files = values.key ?? [];
    if (files.length === 0) throw usage('give at least one --key FILE to register', command);
    const keys = files.map((file) => readFile(file, '--key'));
    const issuers = (values['oidc-issuer'] ?? []).map((file) => readFile(file, '--oidc-issuer'));
    const port = integer(values.port, 'port', command) ?? 8910;
    const corsOrigins = (values['cors-origin'] ?? []).map((origin) => {
      try {
        return new URL(origin).origin;
      } catch {
        throw usage('--cors-origin takes an origin such as http://127.0.0.1:5173', command);
      }
    });
    const { startEmulator } = await import('./emulator.mjs');
    let emulator;
    try {
      emulator = await startEmulator({ keys, issuers, corsOrigins, port, log: (line) => process.stderr.write(`${line}\n`) });
    } catch (e) {
      if (e.code === 'EADDRINUSE') throw new CliError('ERR_PORT_IN_USE', `port ${port} is in use; pick another with --port`);
      throw e;
    }
    process.stdout.write(`${emulator.tokenUrl}\n`);
    for (const k of emulator.keys) process.stderr.write(`registered key ${k.id} of service account ${k.serviceAccountId}\n`);
    process.stderr.write(`VM metadata (GCE, EC2, IBM) for ${emulator.keys[0].serviceAccountId}: ${emulator.metadataUrl}\n`);
    process.stderr.write(`federation: ${emulator.federationUrl}${issuers.length ? '' : ' (give --oidc-issuer FILE to take subject tokens)'}\n`);
    process.stderr.write('serving on 127.0.0.1; Ctrl-C stops\n');
    await new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await emulator.close();
    return 0;
  },

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

async function main(argv) {
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
  if (!Object.hasOwn(commands, command)) {
    // A word is quoted; anything else may be a secret pasted first, and is not.
    throw usage(/^[a-z][\w-]{0,30}$/i.test(command) ? `unknown command '${command}'` : 'unknown command (the first argument, not shown)');
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...COMMON, ...OPTIONS[command] }, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    // An option whose value is missing (at the end, or before another option).
    const missing = /^Option '(--[\w-]+)[^']*' argument (?:is ambiguous|missing)/.exec(e.message);
    if (missing) throw usage(`${missing[1]} needs a value`, command);
    // Node's messages run on ("... To specify a positional argument ..."): keep the first sentence.
    const first = e.message.split(/\.(?:\s|$)/)[0];
    throw usage(first.charAt(0).toLowerCase() + first.slice(1), command);
  }
  const { values, positionals, tokens } = parsed;
  if (values.help) {
    process.stdout.write(HELP[command]);
    return 0;
  }
  if (positionals.length !== POSITIONALS[command]) {
    // Named by position, never quoted: a stray argument is often a token.
    const stray = tokens.filter((t) => t.kind === 'positional')[POSITIONALS[command]];
    throw usage(
      POSITIONALS[command] && positionals.length < POSITIONALS[command]
        ? `${command} takes one JWT: - reads it from stdin`
        : `${command} takes ${POSITIONALS[command] ? 'one argument' : 'no arguments'}, but got another at position ${stray.index + 2} (not shown, as it may be a secret)`,
      command,
    );
  }
  return commands[command](values, positionals, command);
}

// A reader that stops early (`iamjwt check … | head -1`) closes the pipe:
// stop quietly, as other command-line tools do, instead of crashing on EPIPE.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') process.stderr.write(`iamjwt: ERR_INTERNAL: cannot write the output: ${error.message}\n`);
  process.exit(error.code === 'EPIPE' ? (process.exitCode ?? 0) : 1);
});

const debug = process.argv.includes('--debug');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const known = error instanceof CliError || error instanceof IamJwtError;
  const code = known ? error.code : 'ERR_INTERNAL';
  const message = known ? error.message : `unexpected failure: ${error?.message ?? error}`;
  // One line, whatever the message quotes (a pasted argument, a server's text).
  const oneLine = String(message).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
  process.stderr.write(`iamjwt: ${code}: ${oneLine}\n`);
  if (debug) process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
}
