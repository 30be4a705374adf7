import { resolve } from 'node:path';
import { O4Error } from '../errors.js';

const REPLACEMENT_CHAR = '\uFFFD';

/** Checks an absolute local path the server sent and returns it normalised. */
export function checkLocalPath(path: string, key = 'path'): string {
  if (path.includes(REPLACEMENT_CHAR)) {
    throw new O4Error(
      'BAD_PATH',
      `${key} ${JSON.stringify(path)} contains U+FFFD: the server replaced bytes that are not valid UTF-8, so the real file name is lost; file names in a non-UTF-8 encoding are not supported on a non-Unicode server`,
      { path },
    );
  }
  if (path.includes('\0')) throw new O4Error('BAD_PATH', `${key} contains a NUL byte`, { path });
  if (!path.startsWith('/')) throw new O4Error('BAD_PATH', `${key} ${JSON.stringify(path)} is not an absolute path`, { path });
  return path.includes('/.') || path.includes('//') || path.endsWith('/') ? resolve(path) : path;
}

/** The path relative to `root`, or an OUTSIDE_ROOT error. The root itself is not a file path. */
export function relativeToRoot(root: string, absPath: string): string {
  const prefix = root === '/' ? '/' : `${root}/`;
  if (!absPath.startsWith(prefix) || absPath.length === prefix.length) {
    throw new O4Error('OUTSIDE_ROOT', `${absPath} is outside the workspace root ${root}`, { path: absPath, root });
  }
  return absPath.slice(prefix.length);
}

export function joinRoot(root: string, rel: string): string {
  return root === '/' ? `/${rel}` : `${root}/${rel}`;
}

/**
 * The workspace root implied by a client-syntax path and its local path: `//ws/a/b.c` at
 * `/home/u/ws/a/b.c` means the root is `/home/u/ws`. Lets a re-spawned agent that never saw
 * `check` place a workspace it has no record of.
 */
export function inferRoot(clientFile: string, absPath: string): string | undefined {
  if (!clientFile.startsWith('//')) return undefined;
  const slash = clientFile.indexOf('/', 2);
  if (slash < 0) return undefined;
  const rel = clientFile.slice(slash + 1);
  if (rel === '' || !absPath.endsWith(`/${rel}`)) return undefined;
  const root = absPath.slice(0, absPath.length - rel.length - 1);
  return root === '' ? '/' : root;
}

/** Normalises a client root: absolute, no trailing slash. */
export function normalizeRoot(root: string): string {
  return checkLocalPath(root, 'clientRoot').replace(/(.)\/+$/, '$1');
}
