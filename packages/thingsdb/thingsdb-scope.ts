/**
 * ThingsDB's scopes, read as ThingsDB reads them: `@thingsdb` (or any prefix of it after `@t`),
 * `@node` and `@node:ID`, and collections as `//NAME`, `@:NAME`, `@collection:NAME` or `@c:NAME`,
 * each with `/` in place of `@` and `:` too (`/thingsdb`, `/c/NAME`). ThingsDB appends a link to its
 * documentation to these messages; the rest of the text is its own.
 */
import { ErrorCode, ThingsdbError } from './thingsdb-protocol.js';

export type Scope =
  | { readonly kind: 'thingsdb' }
  | { readonly kind: 'node'; readonly id: number | undefined }
  | { readonly kind: 'collection'; readonly name: string };

const NAME = /^[A-Za-z_][0-9A-Za-z_]{0,254}$/;
const DIGITS = /^[0-9]+$/;
/** The link ThingsDB 1.x appends to its scope errors (DOC_SCOPES in its doc.h). */
export const DOC_SCOPES = '; see https://docs.thingsdb.io/v1/overview/scopes';

const valueError = (message: string): ThingsdbError => new ThingsdbError(ErrorCode.VALUE_ERROR, `invalid scope; ${message}${DOC_SCOPES}`);

/** `name` is a prefix of `word` of at least its first letter (`t`, `th`... `thingsdb`). */
const abbreviates = (name: string, word: string): boolean => name.length >= 1 && word.startsWith(name);

// ThingsDB 1.9 names a collection in a scope by its name only: `@:2` is an invalid name.
function collection(rest: string): Scope {
  if (!NAME.test(rest)) throw valueError('the specified collection name is invalid');
  return { kind: 'collection', name: rest };
}

export function parseScope(text: string): Scope {
  const sep = text[0] === '@' ? ':' : text[0] === '/' ? '/' : undefined;
  if (sep !== undefined && text.length >= 2) {
    if (text[1] === sep) {
      if (text.length >= 3) return collection(text.slice(2));
    } else {
      const cut = text.indexOf(sep, 1);
      const word = cut < 0 ? text.slice(1) : text.slice(1, cut);
      const rest = cut < 0 ? undefined : text.slice(cut + 1);
      if (word[0] === 't' && rest === undefined && abbreviates(word, 'thingsdb')) return { kind: 'thingsdb' };
      if (word[0] === 'n' && abbreviates(word, 'node')) {
        if (rest === undefined || rest === '') return { kind: 'node', id: undefined };
        if (!DIGITS.test(rest) || Number(rest) >= 64) throw valueError('a node id must be an integer value between 0 and 64');
        return { kind: 'node', id: Number(rest) };
      }
      if (word[0] === 'c' && abbreviates(word, 'collection')) {
        if (rest === undefined || rest === '') throw valueError('the collection scope requires to specify a collection');
        return collection(rest);
      }
    }
  }
  if (text === '') throw valueError('scopes must not be empty');
  if (!/^[\x20-\x7e]*$/.test(text)) throw valueError('scopes must only contain valid ASCII characters');
  if (sep === undefined) throw valueError(`scopes must start with a \`@\` or \`/\` but got \`${text}\` instead`);
  const [s, c] = [text[0]!, sep];
  const like = `expecting a scope name like \`${s}thingsdb\`, \`${s}node${c}...\` or \`${s}collection${c}...\``;
  throw valueError(text.length === 1 ? like : `${like} but got \`${text}\` instead`);
}

/** The scope of a request `[scope, ...]` and the items after it. */
export function requestScope(payload: unknown): { scope: Scope; text: string; items: unknown[] } {
  if (!Array.isArray(payload) || typeof payload[0] !== 'string') {
    throw new ThingsdbError(ErrorCode.BAD_DATA, 'expecting the request to contain an array with as scope as first item');
  }
  return { scope: parseScope(payload[0]), text: payload[0], items: payload.slice(1) };
}

/** The name of the collection a scope names, among `known`; ThingsDB's errors otherwise. */
export function collectionOf(scope: Scope, known: { has(name: string): boolean }): string {
  switch (scope.kind) {
    case 'thingsdb':
    case 'node':
      throw new ThingsdbError(ErrorCode.BAD_DATA, 'expecting a `collection` scope');
    case 'collection':
      if (!known.has(scope.name)) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `collection \`${scope.name}\` not found`);
      return scope.name;
  }
}
