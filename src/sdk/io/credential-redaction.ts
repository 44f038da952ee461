import type { IncomingHttpHeaders } from 'node:http';
import { REDACTED } from '../redact.js';

/**
 * Credentials a client sends with its request, kept out of what outlives the handshake: events'
 * metadata (which flows log, store and forward) and log lines. Values become `***`; names stay, so
 * that a flow still sees that a credential was there.
 */
export { REDACTED };

/** Names of headers and query parameters whose values are credentials (`access_token`, `X-Api-Key`, `password`...). */
const SECRET_NAME = /token|secret|passw|pwd|api.?key|auth|credential|signature|^sig$|^key$/i;

export const isSecretName = (name: string): boolean => SECRET_NAME.test(name);

/** `a=1; b=2` → `a=***; b=***`: a cookie's value is as good as a password to whoever holds it. */
const redactCookies = (value: string): string =>
  value
    .split(';')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? part : `${part.slice(0, eq)}=${REDACTED}`;
    })
    .join(';');

/** The headers with the values of Authorization, Proxy-Authorization, Cookie and any credential-named header replaced. */
export function redactHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') out[name] = Array.isArray(value) ? value.map(redactCookies) : redactCookies(value);
    else out[name] = isSecretName(name) ? REDACTED : value;
  }
  return out;
}

/**
 * A query string with the values of credential-named parameters replaced, the rest as sent. Names
 * are compared decoded, as URLSearchParams reads them: `access%5Ftoken=...` is `access_token`.
 */
export function redactQuery(query: string): string {
  if (query === '') return query;
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const raw = eq < 0 ? pair : pair.slice(0, eq);
      return isSecretName(new URLSearchParams(`${raw}=`).keys().next().value ?? raw) ? `${raw}=${REDACTED}` : pair;
    })
    .join('&');
}
