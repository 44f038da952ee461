import { z } from 'zod';
import { quote } from '../../sdk/errors.js';

/** Headers as metadata carries them: names in lower case, a value or several. */
export type HeaderRecord = Record<string, string | string[]>;

export const HeadersSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

// RFC 9110 token characters: what a header name and a method may be made of.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const isToken = (text: string): boolean => TOKEN.test(text);

/**
 * Headers from metadata (written by a pipeline, so anything): names lower-cased so that a later
 * `Content-Type` replaces an earlier `content-type`, numbers and booleans written as text. The
 * reason, naming `where`, when it is not a record of header values.
 */
export function headersFrom(value: unknown, where: string): HeaderRecord | string {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return `${where} must be a record of header values, received ${quote(value)}`;
  const out: HeaderRecord = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!isToken(name)) return `${where}: ${JSON.stringify(name)} is not a header name`;
    const values = Array.isArray(v) ? v : [v];
    const texts: string[] = [];
    for (const one of values) {
      if (typeof one !== 'string' && typeof one !== 'number' && typeof one !== 'boolean') {
        return `${where}.${name} must be text or a list of texts, received ${quote(v)}`;
      }
      const text = String(one);
      // A line break in a value would let a pipeline smuggle headers or a second response.
      if (/[\r\n\0]/.test(text)) return `${where}.${name} must not contain a line break`;
      texts.push(text);
    }
    out[name.toLowerCase()] = texts.length === 1 && !Array.isArray(v) ? texts[0]! : texts;
  }
  return out;
}

/** The first value of a header, `undefined` when absent or empty. */
export function firstValue(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const v = headers[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined || first.trim() === '' ? undefined : first;
}

/** `application/json; charset=utf-8` → `application/json`. */
/**
 * Tremor's `mime_mapping`: a codec (a name, or `{ name, config }`) per mime type, `type/*` and `*\/*`
 * standing for types no codec claims. The loader checks the codecs (ConnectorDefinition.mimeMapping).
 */
const MIME = /^([a-z0-9!#$&^_.+-]+|\*)\/([a-z0-9!#$&^_.+-]+|\*)$/i;
export const MimeMappingSchema = z
  .record(z.string(), z.union([z.string(), z.strictObject({ name: z.string(), config: z.unknown().optional() })], { error: 'expected a codec name or { name, config }' }))
  .superRefine((mapping, ctx) => {
    for (const mime of Object.keys(mapping)) {
      if (!MIME.test(mime)) ctx.addIssue({ code: 'custom', path: [mime], message: `expected a mime type such as application/json, text/* or */*, received ${JSON.stringify(mime)}` });
    }
  })
  .optional()
  .describe('codecs by mime type, over those the codecs claim: `{ "application/json": { "name": "json", "config": { "mode": "sorted" } }, "*/*": "string" }`; `type/*` and `*/*` catch types no codec claims');

export const mimeBase = (contentType: string): string => contentType.split(';')[0]!.trim().toLowerCase();

/**
 * The concrete mime types of an Accept header, most preferred first (by `q`, then by order);
 * wildcards and `q=0` are left out: they name no codec.
 */
export function acceptedMimes(accept: string | undefined): string[] {
  if (accept === undefined) return [];
  const ranked: { mime: string; q: number; at: number }[] = [];
  accept.split(',').forEach((part, at) => {
    const [type = '', ...params] = part.split(';').map((p) => p.trim());
    const mime = type.toLowerCase();
    if (mime === '' || mime.includes('*')) return;
    const qParam = params.find((p) => /^q=/i.test(p));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (Number.isFinite(q) && q > 0) ranked.push({ mime, q, at });
  });
  return ranked.sort((a, b) => b.q - a.q || a.at - b.at).map((r) => r.mime);
}

type MimeMapping = Readonly<Record<string, string | { readonly name: string }>>;

/**
 * The type a body with no Content-Type is labelled with, as Tremor chooses: written by the `*\/*`
 * codec of mime_mapping, it is a concrete type the mapping gives that codec (`text/plain` for
 * `{ "text/plain": "string", "*\/*": "string" }`), else application/octet-stream. `undefined`
 * without a `*\/*` mapping: the connector's own codec writes the body.
 */
export function wildcardType(mapping: MimeMapping | undefined): string | undefined {
  const any = mapping?.['*/*'];
  if (any === undefined) return undefined;
  const name = (codec: string | { readonly name: string }): string => (typeof codec === 'string' ? codec : codec.name);
  const same = Object.entries(mapping!).find(([mime, codec]) => !mime.includes('*') && name(codec) === name(any));
  return same?.[0].toLowerCase() ?? 'application/octet-stream';
}
