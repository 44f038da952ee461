import { constants } from 'node:fs';
import { open, readlink, type FileHandle } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { z } from 'zod';
import { parseRequestPath } from './request-path.js';
import { findUnder, realRoot, type RootedFile } from './rooted-file.js';

export const StaticFilesSchema = z
  .strictObject({
    root: z
      .string()
      .describe(
        'the folder served over plain HTTP on the same port (GET and HEAD). The path is decoded segment by segment; an encoded "/" (%2F), a "." or ".." segment, a control character or bad percent-encoding is answered 400; repeated slashes are merged. The file is looked up with realpath: one reached through a symbolic link is answered 404 unless follow_symlinks, and so is anything that is not a regular file (a FIFO, a socket, a device)',
      ),
    index: z.string().default('index.html').describe('the file served for a folder'),
    follow_symlinks: z
      .boolean()
      .default(false)
      .describe('serve files reached through a symbolic link under root; even then, only when the link’s real target stays inside root (root itself may be a link)'),
    dotfiles: z
      .boolean()
      .default(false)
      .describe('serve files and folders whose name begins with "." (.env, .git/, .htpasswd): off by default, they are answered 404 as if absent, since a docroot often holds such files by accident'),
  })
  .describe('serve files (a page that opens the WebSocket) on the same port; off unless given');
export type StaticFiles = z.output<typeof StaticFilesSchema>;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

function reply(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// O_NONBLOCK: a file swapped for a FIFO after the check would otherwise wait in open(2) for a writer,
// holding one of libuv's four pool threads for good. It changes nothing for a regular file.
// O_NOFOLLOW: nor may the file have been swapped for a link.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Opens exactly the file that was checked. Between realpath(3) and open(2) a folder on the way could
 * be replaced by a link; the descriptor's own path in /proc (Linux) tells where the open really went.
 */
async function openChecked(file: RootedFile): Promise<{ handle: FileHandle; size: number } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file.real, OPEN_FLAGS);
  } catch {
    return undefined;
  }
  const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => file.real);
  const stats = opened === file.real ? await handle.stat().catch(() => undefined) : undefined;
  if (stats?.isFile() === true && stats.ino === file.stats.ino && stats.dev === file.stats.dev) return { handle, size: stats.size };
  await handle.close().catch(() => undefined);
  return undefined;
}

/**
 * GET and HEAD of regular files under `root`, nothing outside it (see the schema for the rules). Never
 * throws: a failure is an HTTP answer, or a cut connection once the body has begun.
 */
export async function serveStatic(config: StaticFiles, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  try {
    await serve(config, req, res);
  } catch {
    if (!res.headersSent) reply(res, 500, '500 Internal Server Error\n');
    else res.destroy();
  }
}

async function serve(config: StaticFiles, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    reply(res, 405, '405 Method Not Allowed\n');
    return;
  }
  const parsed = parseRequestPath(req.url ?? '/');
  if (typeof parsed === 'string') {
    reply(res, 400, `400 Bad Request: ${parsed}\n`);
    return;
  }
  const notFound = (): void => reply(res, 404, '404 Not Found\n');
  if (!config.dotfiles && parsed.segments.some((segment) => segment.startsWith('.'))) return notFound();
  const root = await realRoot(config.root);
  if (root === undefined) return notFound();
  let segments = parsed.segments;
  let found = await findUnder(root, segments, config.follow_symlinks);
  if ('real' in found && found.stats.isDirectory()) {
    segments = [...segments, ...config.index.split('/')];
    found = await findUnder(root, segments, config.follow_symlinks);
  }
  // A trailing slash names a folder; a file named so is not there (ENOTDIR), as for any server.
  else if ('real' in found && parsed.folder) return notFound();
  if (!('real' in found) || !found.stats.isFile()) return notFound();
  const opened = await openChecked(found);
  if (opened === undefined) return notFound();
  const { handle, size } = opened;
  res.writeHead(200, {
    // The type of the name asked for, as a link's target may be named otherwise.
    'content-type': TYPES[path.extname(segments.at(-1) ?? '').toLowerCase()] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': 'no-cache',
  });
  if (req.method === 'HEAD' || size === 0) {
    await handle.close();
    res.end();
    return;
  }
  // No more than the length announced, should the file grow meanwhile; pipeline, not pipe: a client
  // that goes away mid-file closes the file too.
  pipeline(handle.createReadStream({ start: 0, end: size - 1 }), res, () => undefined);
}
