import { chmodSync, closeSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { errnoCode } from '../errors.js';
import { lstatOrUndefined, statSignature } from '../fs/stat-signature.js';
import type { FileRecord } from '../store/ledger.js';

/**
 * What is at a workspace path, judged against the ledger with one lstat:
 * - `absent`: nothing there;
 * - `directory`: a directory is in the way;
 * - `ours`: a placeholder or hydrated file exactly as the agent left it (stat signature matches);
 * - `edited`: a tracked file changed since the agent wrote it — a local edit to keep;
 * - `untracked`: a file the ledger has no row for.
 */
export type LocalFile =
  | { kind: 'absent' }
  | { kind: 'directory'; st: BigIntStats }
  | { kind: 'ours'; st: BigIntStats; rec: FileRecord }
  | { kind: 'edited'; st: BigIntStats; rec: FileRecord }
  | { kind: 'untracked'; st: BigIntStats };

export function inspectLocalFile(absPath: string, rec: FileRecord | undefined): LocalFile {
  const st = lstatOrUndefined(absPath);
  if (!st) return { kind: 'absent' };
  if (st.isDirectory()) return { kind: 'directory', st };
  if (!rec) return { kind: 'untracked', st };
  const unchanged = (rec.state === 'placeholder' || rec.state === 'hydrated') && rec.statSig === statSignature(st);
  return unchanged ? { kind: 'ours', st, rec } : { kind: 'edited', st, rec };
}

/** Placeholders larger than this are not read to prove they are still empty. */
const ZERO_CHECK_LIMIT = 256 * 1024 * 1024;

/**
 * True when a placeholder whose stat moved (`touch`, a backup tool restoring times) still holds
 * nothing but the holes the agent made: no blocks allocated, the recorded size, and only zero bytes
 * (read, because some filesystems report blocks late). Such a file can be hydrated without losing
 * anything; a file with any other content is a local edit.
 */
export function placeholderStillEmpty(absPath: string, st: BigIntStats, rec: FileRecord): boolean {
  if (rec.state !== 'placeholder' || !st.isFile() || st.blocks !== 0n || Number(st.size) !== (rec.fileSize ?? 0)) return false;
  if (st.size > BigInt(ZERO_CHECK_LIMIT)) return false;
  return onlyZeros(absPath, Number(st.mode) & 0o7777);
}

function onlyZeros(absPath: string, mode: number): boolean {
  let fd: number;
  let restoreMode = false;
  try {
    fd = openSync(absPath, 'r');
  } catch (err) {
    // An unreadable placeholder (mode 000) is ours to read: allow it for the moment. chmod moves
    // only the ctime, which the stat signature does not include.
    if (errnoCode(err) !== 'EACCES') return false;
    try {
      chmodSync(absPath, mode | 0o400);
      restoreMode = true;
      fd = openSync(absPath, 'r');
    } catch {
      if (restoreMode) chmodSync(absPath, mode);
      return false;
    }
  }
  try {
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return true;
      for (let i = 0; i < n; i++) if (buf[i] !== 0) return false;
    }
  } catch {
    return false;
  } finally {
    closeSync(fd);
    if (restoreMode) chmodSync(absPath, mode);
  }
}
