import type { Stats } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { isNameSegment } from './request-path.js';

/** A file found under a root: its real path (no symbolic link in it) and what it is. */
export interface RootedFile {
  readonly real: string;
  readonly stats: Stats;
}

/** Why nothing was found; `missing` is the one answer a lookup may fall through on. */
export type NotFound = { readonly missing: boolean; readonly why: string };

/** The real path of a root folder, or undefined when there is none (nothing under it can be found). */
export async function realRoot(root: string): Promise<string | undefined> {
  try {
    const real = await realpath(root);
    return (await lstat(real)).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What `segments` name under `root` (a real path, from `realRoot`). The name is resolved once with
 * realpath(3), and the answer is that real path, so the caller opens exactly what was checked:
 * - a name whose real path differs from `root/segments` went through a symbolic link. It is refused
 *   unless `followSymlinks`, and then only when its real path stays inside the root;
 * - a symbolic link found in place of the real path afterwards was swapped in since, and is refused.
 * The root itself may be reached through links: it is the operator's, its contents are not.
 */
export async function findUnder(root: string, segments: readonly string[], followSymlinks: boolean): Promise<RootedFile | NotFound> {
  // The request path's parser already refused these; a name that reaches here from elsewhere (a
  // subprotocol, an index file) is held to the same rule.
  if (!segments.every(isNameSegment)) return { missing: false, why: 'not a plain name' };
  const named = path.join(root, ...segments);
  let real: string;
  try {
    real = await realpath(named);
  } catch (err) {
    // ENOENT, ENOTDIR, ELOOP, EACCES, ENAMETOOLONG: all mean there is nothing to reach there.
    return { missing: true, why: `not found (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (real !== named) {
    if (!followSymlinks) return { missing: false, why: 'a symbolic link, and follow_symlinks is off' };
    const inside = root.endsWith(path.sep) ? root : root + path.sep;
    if (real !== root && !real.startsWith(inside)) return { missing: false, why: 'a symbolic link to outside the root' };
  }
  let stats: Stats;
  try {
    stats = await lstat(real);
  } catch (err) {
    return { missing: true, why: `not found (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (stats.isSymbolicLink()) return { missing: false, why: 'replaced by a symbolic link while it was looked up' };
  return { real, stats };
}
