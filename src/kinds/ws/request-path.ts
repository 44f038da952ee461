import { parseRequestTarget } from '../../sdk/http/request-target.js';

/**
 * The path of an HTTP request target, decoded and made canonical before anything is matched
 * against it or looked up with it, so that the name an access rule sees is the name that is opened.
 *
 * The target is read as a path, never resolved as a URL against a base: `//echo` is the path
 * `/echo` (slashes merged, as ouistiti and nginx do), not a request for the host `echo`. Each
 * `/`-separated segment is percent-decoded on its own; a segment that decodes to `.` or `..`, or that
 * holds an encoded `/` (`%2F`), is refused rather than interpreted, since that is where decoding and
 * normalising in the wrong order lets `/public/..%2finternal` reach `/internal`. Browsers remove
 * dot segments before they send a request, so only a crafted request has one.
 */
export interface RequestPath {
  /** `/` followed by the decoded segments joined with `/`; a trailing `/` is kept. */
  readonly path: string;
  /** The decoded segments, none empty, none `.` or `..`, none holding `/` or a control character. */
  readonly segments: readonly string[];
  /** The target ended with `/`: it names a folder, not a file. */
  readonly folder: boolean;
}

// Controls (C0 and DEL) are no part of a name: NUL would cut a file name short at the system call.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The canonical path of a request target, or why the target is malformed (an HTTP 400 reason). */
export function parseRequestPath(target: string): RequestPath | string {
  const parsed = parseRequestTarget(target);
  if (typeof parsed === 'string') return parsed;
  const raw = parsed.path;
  const segments: string[] = [];
  for (const encoded of raw.split('/')) {
    if (encoded === '') continue; // merged slashes
    if (/%2f/i.test(encoded)) return 'an encoded "/" (%2F) in the path';
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return 'the path does not decode to UTF-8';
    }
    if (segment === '.' || segment === '..') return 'a "." or ".." segment in the path';
    if (CONTROL.test(segment)) return 'a control character in the path';
    segments.push(segment);
  }
  const folder = segments.length > 0 && raw.endsWith('/');
  return { path: `/${segments.join('/')}${folder ? '/' : ''}`, segments, folder };
}

/** Whether `text` can be one segment of a path: a file name, never a way up or across folders. */
export function isNameSegment(text: string): boolean {
  return text !== '' && text !== '.' && text !== '..' && !text.includes('/') && !CONTROL.test(text);
}
