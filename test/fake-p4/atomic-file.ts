import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sleepSync } from './sleep.js';

/**
 * Replace a file in one step (temp file in the same directory, then rename), so a concurrent
 * reader sees the old content or the new, never half of it. Parent directories are created.
 */
let serial = 0;

function tempBeside(path: string): string {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  return join(dir, `.${basename(path)}.fake-p4-${process.pid}-${serial++}.tmp`);
}

function commit(temp: string, path: string): void {
  try {
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

export function replaceFile(path: string, data: Buffer | string, mode = 0o666): void {
  const temp = tempBeside(path);
  writeFileSync(temp, data, { mode });
  commit(temp, path);
}

export function replaceWithSymlink(path: string, target: string): void {
  const temp = tempBeside(path);
  symlinkSync(target, temp);
  commit(temp, path);
}

/** A holder killed mid-update must not block every later run: its lock is broken after this long. */
const STALE_LOCK_MS = 10_000;

/**
 * Runs fn holding `lockPath` (created exclusively), so read-modify-write updates from concurrent
 * processes (several fake p4 runs syncing at once) do not lose each other's changes.
 */
export function withLock<T>(lockPath: string, fn: () => T): T {
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      breakIfStale(lockPath);
      sleepSync(2);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function breakIfStale(lockPath: string): void {
  try {
    if (Date.now() - statSync(lockPath).mtimeMs > STALE_LOCK_MS) rmSync(lockPath, { force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
