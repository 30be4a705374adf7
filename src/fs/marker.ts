import { constants } from 'node:os';
import { errnoCode } from '../errors.js';
import { nodeRequire } from '../module-paths.js';

/**
 * The placeholder marker: an extended attribute `user.o4.placeholder` = "<rev> <digest>", so any
 * tool (and recovery after a lost ledger) can tell a placeholder from content. It is kept short on
 * purpose: ext4 stores a small attribute inside the inode, a longer one costs a 4 KiB block per file.
 */
export const MARKER_NAME = 'user.o4.placeholder';

type XattrModule = typeof import('@napi-rs/xattr');
let xattr: XattrModule | undefined;

function lib(): XattrModule {
  return (xattr ??= nodeRequire('@napi-rs/xattr') as XattrModule);
}

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, num]) => [num, name]));

/**
 * @napi-rs/xattr reports failures as "GenericFailure … (os error 61)"; give them the errno `code`
 * a Node system error would have, so callers can tell ENODATA from ENOSPC.
 */
function withErrno<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const match = err instanceof Error ? /\(os error (\d+)\)/.exec(err.message) : null;
    const name = match ? ERRNO_NAMES.get(Number(match[1])) : undefined;
    if (name && err instanceof Error) Object.assign(err, { code: name === 'EOPNOTSUPP' ? 'ENOTSUP' : name });
    throw err;
  }
}

export function markerValue(rev: number, digest: string | null): string {
  return `${rev} ${digest ?? '-'}`;
}

export function parseMarker(value: string): { rev: number; digest: string | null } | undefined {
  const m = /^(\d+) (\S+)$/.exec(value);
  if (!m) return undefined;
  return { rev: Number(m[1]), digest: m[2] === '-' ? null : m[2]! };
}

/** Errno codes meaning "this filesystem does not do user xattrs", not "this call failed". */
export function isUnsupportedXattr(err: unknown): boolean {
  return errnoCode(err) === 'ENOTSUP';
}

export function setMarker(path: string, value: string): void {
  withErrno(() => lib().setAttributeSync(path, MARKER_NAME, value));
}

export function readMarker(path: string): string | undefined {
  try {
    return withErrno(() => lib().getAttributeSync(path, MARKER_NAME))?.toString('utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENODATA' || isUnsupportedXattr(err)) return undefined;
    throw err;
  }
}

export function removeMarker(path: string): void {
  try {
    withErrno(() => lib().removeAttributeSync(path, MARKER_NAME));
  } catch (err) {
    if (errnoCode(err) === 'ENODATA' || isUnsupportedXattr(err) || errnoCode(err) === 'ENOENT') return;
    throw err;
  }
}
