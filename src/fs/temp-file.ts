import { closeSync, mkdirSync, openSync, unlinkSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';
import { errnoCode, ioError } from '../errors.js';

/**
 * Creating files. Content is never written in place: it goes to a temp file in the destination
 * directory and is renamed over the target, so a reader or a crash never sees half a file. Temp
 * names are short (a long file name plus a suffix could exceed NAME_MAX) and unique per process.
 */
const TEMP_PREFIX = '.o4tmp.';
let sequence = 0;
/** Copy workers (hydrate/copy-pool.ts) count on their own: their names must not meet the main thread's. */
const THREAD_TAG = threadId === 0 ? '' : `t${threadId}-`;

export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}

// libuv opens every file with O_CLOEXEC, so children never inherit these descriptors.
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Creates `path` exclusively (mode 0600), creating missing parent directories on the way.
 * Returns the descriptor, or undefined when something already exists at `path`.
 */
export function createExclusive(path: string): number | undefined {
  try {
    return openSync(path, CREATE_FLAGS, 0o600);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EEXIST') return undefined;
    if (code !== 'ENOENT') throw ioError('create', path, err);
  }
  makeParentDirs(dirname(path));
  try {
    return openSync(path, CREATE_FLAGS, 0o600);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return undefined;
    throw ioError('create', path, err);
  }
}

/** Creates a new empty temp file beside `target` and opens it for writing. */
export function openTempBeside(target: string): { fd: number; tmpPath: string } {
  const dir = dirname(target);
  // A stale temp file of a crashed process with a recycled pid is skipped: take the next number.
  for (let attempt = 0; attempt < 100; attempt++) {
    const tmpPath = `${dir}/${TEMP_PREFIX}${process.pid}.${THREAD_TAG}${++sequence}`;
    const fd = createExclusive(tmpPath);
    if (fd !== undefined) return { fd, tmpPath };
  }
  throw ioError('create a temporary file in', dir, Object.assign(new Error('too many stale temp files'), { code: 'EEXIST' }));
}

/** Creates `dir` and its missing parents with mode 0777 & ~umask, as the P4 client does. */
export function makeParentDirs(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o777 });
  } catch (err) {
    throw ioError('create directory', dir, err);
  }
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed or invalid; nothing to recover.
  }
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already, or the directory went away; nothing left to clean.
  }
}
