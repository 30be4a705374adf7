/**
 * Typed errors. Every failure that can reach a user (an altsync reply, a CLI line, a log record)
 * is an O4Error with a stable code and the context needed to act on it.
 */
export const O4_ERROR_CODES = [
  'BAD_REQUEST', // malformed JSON, missing or ill-typed keys
  'UNKNOWN_COMMAND',
  'OUTSIDE_ROOT', // a path that is not inside the workspace root
  'BAD_PATH', // U+FFFD, NUL, relative paths
  'UNKNOWN_WORKSPACE',
  'NOCLOBBER', // refusing to replace or delete a writable file
  'NOT_FOUND',
  'EXISTS',
  'IS_DIRECTORY',
  'IO', // a filesystem call failed (disk full, permissions, ...)
  'LEDGER', // SQLite failed (busy past the timeout, disk full, corrupt)
  'CONFIG',
  'P4', // the p4 command line failed
  'DIGEST_MISMATCH',
  'MODIFIED', // a local edit stands in the way
  'HYDRATION',
  'DAEMON',
  'CANCELLED',
  'DEMO', // a step of `o4-agent demo` did not do what it shows
  'USAGE',
] as const;

export type O4ErrorCode = (typeof O4_ERROR_CODES)[number];

export class O4Error extends Error {
  readonly code: O4ErrorCode;
  readonly context: Record<string, unknown>;

  constructor(code: O4ErrorCode, message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'O4Error';
    this.code = code;
    this.context = context;
  }
}

/** The errno code of a Node system error, if it is one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENOTEMPTY: 'directory not empty',
  EXDEV: 'cross-device link',
};

/** Wraps a failed filesystem call as an IO error whose text says what was being done, where and why. */
export function ioError(action: string, path: string, err: unknown): O4Error {
  if (err instanceof O4Error) return err;
  const code = errnoCode(err);
  const why = (code && ERRNO_TEXT[code]) ?? (err instanceof Error ? err.message : String(err));
  return new O4Error('IO', `cannot ${action} ${path}: ${why}${code ? ` (${code})` : ''}`, { path, errno: code }, { cause: err });
}

/** A one-line description of any thrown value, for replies and logs. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
