/**
 * Secrets kept out of logs, metadata and error texts: what stands in for them, and the helpers that
 * put it there. Redaction is by text, so it works on messages already built.
 */
export const REDACTED = '***';

/**
 * `scheme://userinfo@`, and the forms WHATWG URL parsing also reads as userinfo for its special
 * schemes (`http:user:pass@host`, `http:\\user@host`, as JSON writes them too). The userinfo runs
 * to the last `@` before the path, as URL parsing takes it.
 */
const USERINFO = /\b((?:[a-z][a-z0-9+.-]*:\/\/)|(?:(?:https?|wss?|ftp):[\\/]*))([^\s/\\?#"'`<>]+)@/gi;

/**
 * Every URL's credentials in `text`: `http://user:pass@host` becomes `http://user:***@host`, and a
 * lone user name, often a token (`https://TOKEN@host`), becomes `***`.
 */
export function redactUrls(text: string): string {
  // Most texts hold no userinfo at all: one scan for '@' spares them the regular expression.
  if (!text.includes('@')) return text;
  return text.replace(USERINFO, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon < 0 ? REDACTED : `${userinfo.slice(0, colon)}:${REDACTED}`}@`;
  });
}

/** `url` without its password, or without its user name when that is all it has: for messages and metadata. */
export function redactUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = REDACTED;
  else copy.username = REDACTED;
  return copy.href;
}

/**
 * `text` with every occurrence of each of `secrets` replaced by `***`, as written and as JSON
 * escapes it inside a quoted value. A quote cut short (`"…`, see `quote`) that ends in the start of
 * a secret has that start replaced too, so no prefix of a secret shows either.
 */
export function redactValues(text: string, secrets: Iterable<string>): string {
  // Longest first: a secret that contains another is replaced whole.
  const list = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of list) {
    const escaped = JSON.stringify(secret).slice(1, -1);
    for (const form of escaped === secret ? [secret] : [secret, escaped]) {
      if (out.includes(form)) out = out.split(form).join(REDACTED);
      if (!out.includes('…')) continue;
      for (let n = form.length - 1; n > 0; n--) {
        const cut = `${form.slice(0, n)}…`;
        if (out.includes(cut)) out = out.split(cut).join(`${REDACTED}…`);
      }
    }
  }
  return out;
}
