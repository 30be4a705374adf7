import { rmdirSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Removes now-empty directories from `startDir` upwards, like the P4 client's `rmdir` option: it
 * stops at the first directory that is not empty, never removes the workspace root or anything
 * outside it, and with `preserveDir` (the `preserveCWD` mode) never removes that directory.
 */
export function pruneEmptyDirs(startDir: string, root: string, preserveDir?: string): string[] {
  const removed: string[] = [];
  const prefix = root === '/' ? '/' : `${root}/`;
  // Compared by identity, not by name: the root may be reached through a symlink.
  const preserved = preserveDir === undefined ? undefined : statOrUndefined(preserveDir);
  let dir = startDir;
  while (dir.startsWith(prefix) && dir.length > prefix.length && !isSameDir(dir, preserved)) {
    try {
      rmdirSync(dir);
    } catch {
      break; // not empty, already gone, or not ours to remove: stop like the client does
    }
    removed.push(dir);
    dir = dirname(dir);
  }
  return removed;
}

function isSameDir(dir: string, preserved: Stats | undefined): boolean {
  if (!preserved) return false;
  const st = statOrUndefined(dir);
  return st !== undefined && st.ino === preserved.ino && st.dev === preserved.dev;
}

/** Pruning is best effort: a directory that cannot be looked at is simply not matched. */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
