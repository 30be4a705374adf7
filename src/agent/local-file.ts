import type { BigIntStats } from 'node:fs';
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
