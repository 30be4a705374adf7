import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

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
