// The minting page's behaviour. Every decision about keys, JWTs and tokens
// is the wasm core's, through the package API passed in; this file only
// moves text between the page and the API.
import { ERRORS_RU, STRINGS, format } from './i18n.js';


/** ?lang=ru or ?lang=en, else the browser's language. */
function initialLang() {
  const asked = new URLSearchParams(location.search).get('lang');
  return asked === 'ru' || (!asked && navigator.language?.startsWith('ru')) ? 'ru' : 'en';
}

/** One line for an error: the core's message, or its Russian line (IAM's own words kept). */
function describeError(error, lang) {
  if (!error?.code) return String(error?.message ?? error);
  const ru = lang === 'ru' ? ERRORS_RU[error.code] : undefined;
  if (!ru) return `${error.message} (${error.code})`;
  return error.code === 'ERR_IAM_REJECTED' ? `${ru} ${error.message} (${error.code})` : `${ru} (${error.code})`;
}

/**
 * The package could not start (an engine without WebAssembly reference
 * types, or a .wasm that failed to load): say so at the top and disable
 * the controls.
 */
export function showLoadFailure(error) {
  const box = document.getElementById('load-error');
  box.textContent = error?.code ? describeError(error, initialLang()) : `iamjwt could not start: ${error?.message ?? error}`;
  box.title = error?.message ?? '';
  box.hidden = false;
  for (const control of document.querySelectorAll('main button, main textarea, main input')) control.disabled = true;
  document.body.dataset.ready = 'failed';
}

/**
 * @param api the package API (parseKey, signJwt, decodeJwt, checkKey, exchangeJwt, exchangeOAuthToken)
 * @param env { loadDemoKey(): Promise<string>, loadConfig(): Promise<{demoEndpoint?: string}> }
 */
export function startPage(api, env) {
  const $ = (id) => document.getElementById(id);
  const els = {
    key: $('key'), file: $('file'), drop: $('drop'), demo: $('demo'), clear: $('clear'),
    keyError: $('key-error'), keyInfo: $('key-info'), demoNote: $('demo-note'),
    check: $('check'), checks: $('checks'),
    ttl: $('ttl'), sign: $('sign'), jwtError: $('jwt-error'), jwtOut: $('jwt-out'), jwt: $('jwt'),
    jwtHeader: $('jwt-header'), jwtPayload: $('jwt-payload'), jwtTimes: $('jwt-times'), jwtEngine: $('jwt-engine'),
    endpoint: $('endpoint'), exchange: $('exchange'), iamError: $('iam-error'), iamErrorText: $('iam-error-text'),
    fallback: $('fallback'), curl: $('curl-cmd'), cli: $('cli-cmd'),
    iamOut: $('iam-out'), iamToken: $('iam-token'), iamExpires: $('iam-expires'), countdown: $('countdown'),
    oauth: $('oauth'), oauthExchange: $('oauth-exchange'), oauthError: $('oauth-error'), oauthOut: $('oauth-out'), oauthToken: $('oauth-token'),
  };
  let lang = initialLang();
  let key = null; // the parsed AuthorizedKey, freed on every change
  let parsedText = ''; // the box's text that `key` (or the error shown) is from
  let demoLoaded = false;
  let expiresAt = null;
  let countdownTimer = null;
  let config = {};

  const t = (name, vars) => format(STRINGS[lang][name] ?? STRINGS.en[name] ?? name, vars);
  const show = (el, on = true) => { el.hidden = !on; };
  const describe = (error) => describeError(error, lang);
  const fail = (el, error) => {
    el.textContent = describe(error);
    el.title = error?.message ?? '';
    show(el);
  };

  function applyLanguage() {
    document.documentElement.lang = lang;
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
    els.jwt.setAttribute('aria-label', t('jwtLabel'));
    els.iamToken.setAttribute('aria-label', t('iamLabel'));
    els.oauthToken.setAttribute('aria-label', t('oauthOutLabel'));
    els.checks.setAttribute('aria-label', t('checksLabel'));
    for (const b of document.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
    if (els.jwt.value) showDecoded(els.jwt.value);
    renderCountdown();
  }

  function resetOutputs() {
    for (const el of [els.jwtOut, els.jwtError, els.iamOut, els.iamError, els.fallback]) show(el, false);
    els.jwt.value = '';
    els.iamToken.value = '';
    els.checks.replaceChildren();
    stopCountdown();
    expiresAt = null;
  }

  function parse() {
    key?.free();
    key = null;
    resetOutputs();
    show(els.keyError, false);
    show(els.keyInfo, false);
    const text = els.key.value;
    parsedText = text;
    if (!text.trim()) return;
    try {
      key = api.parseKey(text);
    } catch (error) {
      fail(els.keyError, error);
      return;
    }
    $('info-sa').textContent = key.serviceAccountId;
    $('info-id').textContent = key.id;
    $('info-alg').textContent = `${key.keyAlgorithm ?? 'RSA'} (${key.modulusBits} bits)`;
    $('info-created').textContent = key.createdAt ? new Date(key.createdAt).toLocaleString(lang) : '—';
    show(els.keyInfo);
  }

  function setKeyText(text, { demo = false } = {}) {
    els.key.value = text;
    demoLoaded = demo;
    show(els.demoNote, demo);
    if (demo && config.demoEndpoint) els.endpoint.value = config.demoEndpoint;
    parse();
  }

  let debounce = null;
  els.key.addEventListener('input', () => {
    demoLoaded = false;
    show(els.demoNote, false);
    clearTimeout(debounce);
    debounce = setTimeout(() => { debounce = null; parse(); }, 150);
  });
  /** The key text being read (the demo key's fetch, a picked or dropped file). */
  let reading = Promise.resolve();
  function readKey(read, options) {
    reading = read().then((text) => setKeyText(text, options), (error) => fail(els.keyError, error));
  }
  /**
   * A picked or dropped file: read only to one byte past the largest key the
   * core reads (a wrong file, a video, is not read whole into the box); the
   * core then says it is too large.
   */
  const readKeyFile = (file) => readKey(() => file.slice(0, api.defaults().maxKeyBytes + 1).text());
  /**
   * Check, Sign and Get IAM token act on the key as it is now: one still
   * being read is waited for (a quick click after "Try the demo key" gets
   * the demo key, not an empty box), and one just typed is parsed at once.
   */
  async function settle() {
    await reading;
    clearTimeout(debounce);
    debounce = null;
    // Whatever the box holds now, however it got there (typed, pasted
    // before the page's listeners were attached, filled by the browser).
    if (els.key.value !== parsedText) parse();
  }
  els.file.addEventListener('change', () => {
    const file = els.file.files?.[0];
    if (file) readKeyFile(file);
    els.file.value = '';
  });
  els.drop.addEventListener('dragover', (e) => { e.preventDefault(); els.drop.classList.add('over'); });
  els.drop.addEventListener('dragleave', () => els.drop.classList.remove('over'));
  els.drop.addEventListener('drop', (e) => {
    e.preventDefault();
    els.drop.classList.remove('over');
    const file = e.dataTransfer?.files?.[0];
    if (file) readKeyFile(file);
  });
  els.demo.addEventListener('click', () => readKey(() => env.loadDemoKey(), { demo: true }));
  els.clear.addEventListener('click', () => {
    key?.free();
    key = null;
    els.key.value = '';
    parsedText = '';
    els.oauth.value = '';
    els.oauthToken.value = '';
    show(els.oauthOut, false);
    show(els.oauthError, false);
    show(els.keyInfo, false);
    show(els.keyError, false);
    show(els.demoNote, false);
    resetOutputs();
    els.key.focus();
  });

  els.check.addEventListener('click', async () => {
    await settle();
    els.checks.replaceChildren();
    if (!els.key.value.trim()) return fail(els.keyError, t('noKey'));
    const report = api.checkKey(els.key.value);
    for (const c of report.checks) {
      const li = document.createElement('li');
      li.className = c.verdict;
      const mark = document.createElement('span');
      mark.className = 'verdict';
      mark.textContent = t(c.verdict);
      const id = document.createElement('code');
      id.textContent = c.id;
      li.append(mark, ' ', id, ' ', c.message);
      els.checks.append(li);
    }
  });

  /** What each engine is called on the page. */
  const ENGINE_NAMES = { native: 'node:crypto', webcrypto: 'WebCrypto (RSA-PSS)', wasm: 'WebAssembly (rsa 0.10)' };

  /** How many signings have finished (`data-signed` on the Sign button's section), for who waits on one. */
  let signings = 0;
  const signed = () => { signings += 1; els.sign.closest('section').dataset.signed = String(signings); };

  async function sign() {
    try {
      return await signNow();
    } finally {
      signed();
    }
  }

  async function signNow() {
    show(els.jwtError, false);
    if (!key) {
      fail(els.jwtError, els.keyError.hidden ? t('noKey') : els.keyError.textContent);
      return null;
    }
    try {
      // The best engine the browser has (WebCrypto), through the core; the
      // core makes the endpoint the JWT's audience, as IAM and the emulator expect.
      const engine = api.defaultAsyncEngine();
      const jwt = await api.signJwtAsync(key, { ttl: Number(els.ttl.value), endpoint: els.endpoint.value.trim() });
      els.jwt.value = jwt;
      els.jwtEngine.dataset.engine = engine;
      showDecoded(jwt);
      show(els.jwtOut);
      return jwt;
    } catch (error) {
      show(els.jwtOut, false);
      fail(els.jwtError, error);
      return null;
    }
  }

  function showDecoded(jwt) {
    const { header, payload } = api.decodeJwt(jwt);
    els.jwtHeader.textContent = JSON.stringify(header, null, 2);
    els.jwtPayload.textContent = JSON.stringify(payload, null, 2);
    const when = (s) => new Date(s * 1000).toLocaleString(lang);
    els.jwtTimes.textContent = `${t('issued')} ${when(payload.iat)}, ${t('expires')} ${when(payload.exp)}`;
    const engine = els.jwtEngine.dataset.engine;
    els.jwtEngine.textContent = engine ? t('signedBy', { engine: ENGINE_NAMES[engine] ?? engine }) : '';
  }

  els.sign.addEventListener('click', async () => {
    await settle();
    await sign();
  });

  async function exchange(run, errorBox, { fallback }) {
    show(els.fallback, false);
    show(errorBox, false);
    const endpoint = els.endpoint.value.trim() || api.defaults().endpoint;
    try {
      const info = await run(endpoint);
      return info;
    } catch (error) {
      const unreachable = error?.code === 'ERR_FETCH_FAILED' || error?.code === 'ERR_TIMEOUT';
      const text = unreachable ? t('unreachable', { endpoint }) : describe(error);
      if (errorBox === els.iamError) els.iamErrorText.textContent = text;
      else errorBox.textContent = text;
      show(errorBox);
      if (unreachable && fallback) fallback(endpoint);
      return null;
    }
  }

  els.exchange.addEventListener('click', async () => {
    await settle();
    show(els.iamOut, false);
    stopCountdown();
    const jwt = await sign();
    if (!jwt) return;
    els.exchange.disabled = true;
    const info = await exchange(
      (endpoint) => api.exchangeJwt(jwt, { endpoint, retry: { attempts: 2 } }),
      els.iamError,
      {
        fallback(endpoint) {
          els.curl.textContent = `curl -sX POST '${endpoint}' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"jwt":"${jwt}"}'`;
          els.cli.textContent = `npx iamjwt token --key key.json${endpoint === api.defaults().endpoint ? '' : ` --endpoint ${endpoint}`}`;
          show(els.fallback);
        },
      },
    );
    els.exchange.disabled = false;
    if (!info) return;
    els.iamToken.value = info.token;
    expiresAt = info.expiresAt;
    els.iamExpires.dateTime = expiresAt.toISOString();
    show(els.iamOut);
    startCountdown();
  });

  els.oauthExchange.addEventListener('click', async () => {
    show(els.oauthOut, false);
    show(els.oauthError, false);
    const token = els.oauth.value.trim();
    if (!token) return fail(els.oauthError, t('noOauth'));
    const info = await exchange((endpoint) => api.exchangeOAuthToken(token, { endpoint, retry: { attempts: 2 } }), els.oauthError, {});
    if (!info) return;
    els.oauthToken.value = info.token;
    show(els.oauthOut);
  });

  function renderCountdown() {
    if (!expiresAt) return;
    els.iamExpires.textContent = expiresAt.toLocaleString(lang);
    const left = Math.floor((expiresAt.getTime() - Date.now()) / 1000);
    if (left <= 0) {
      els.countdown.textContent = t('expired');
      return;
    }
    const hh = String(Math.floor(left / 3600)).padStart(2, '0');
    const mm = String(Math.floor((left % 3600) / 60)).padStart(2, '0');
    const ss = String(left % 60).padStart(2, '0');
    els.countdown.textContent = t('expiresIn', { time: `${hh}:${mm}:${ss}` });
  }
  function startCountdown() {
    stopCountdown();
    renderCountdown();
    countdownTimer = setInterval(renderCountdown, 1000);
  }
  function stopCountdown() {
    clearInterval(countdownTimer);
    countdownTimer = null;
  }

  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', async () => {
      const source = $(button.dataset.copy);
      const text = 'value' in source ? source.value : source.textContent;
      try {
        await navigator.clipboard.writeText(text);
      } catch {
        const range = document.createRange();
        range.selectNodeContents(source);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        document.execCommand?.('copy');
      }
      button.textContent = t('copied');
      setTimeout(() => { button.textContent = t('copy'); }, 1500);
    });
  }

  for (const b of document.querySelectorAll('[data-lang]')) {
    b.addEventListener('click', () => { lang = b.dataset.lang; applyLanguage(); });
  }

  applyLanguage();
  // A key pasted while the page was loading, before the listeners above.
  if (els.key.value !== parsedText) parse();
  env.loadConfig().then((c) => {
    config = c ?? {};
    if (demoLoaded && config.demoEndpoint) els.endpoint.value = config.demoEndpoint;
  }, () => {});
  document.body.dataset.ready = 'true';
}
