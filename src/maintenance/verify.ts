import { readdirSync, readFileSync, renameSync, type BigIntStats } from 'node:fs';
import { dirname } from 'node:path';
import { describeError } from '../errors.js';
import { markerValue, readMarker } from '../fs/marker.js';
import { placeholderFileMode, type PlaceholderMode } from '../fs/modes.js';
import { preparePlaceholder } from '../fs/placeholder.js';
import { lstatOrUndefined, statSignature } from '../fs/stat-signature.js';
import { isTempName, unlinkQuietly } from '../fs/temp-file.js';
import { joinRoot } from '../fs/workspace-path.js';
import { planFor } from '../hydrate/content-plan.js';
import { hashHex } from '../hydrate/file-bytes.js';
import type { FileRecord, Ledger, Workspace } from '../store/ledger.js';
import { transition } from '../store/states.js';

/**
 * Compares the ledger with the disk: one lstat per tracked file, the shape of each placeholder
 * (size, mode, marker), and with `digest` the content of each hydrated file. Repairing fixes the
 * ledger to match the disk, re-creates damaged placeholders (and, when asked, missing ones), and
 * removes the agent's own leftover temp files — it never deletes or overwrites a changed file.
 */
export type FindingKind = 'missing' | 'changed' | 'reappeared' | 'bad-placeholder' | 'digest-mismatch' | 'orphan-temp';

export interface Finding {
  readonly kind: FindingKind;
  readonly path: string;
  readonly detail: string;
  /** What --repair did, or why it left it. */
  repair?: string;
}

export interface VerifyOptions {
  readonly digest: boolean;
  readonly repair: boolean;
  /** Re-create files deleted locally as placeholders (else the ledger just records them missing). */
  readonly recreateMissing: boolean;
  readonly placeholderMode: PlaceholderMode;
}

export interface VerifyReport {
  readonly checked: number;
  readonly findings: Finding[];
}

export function verifyWorkspace(ledger: Ledger, ws: Workspace, relPrefix: string, opts: VerifyOptions): VerifyReport {
  const findings: Finding[] = [];
  const dirs = new Set<string>();
  let checked = 0;
  let after: string | null = null;
  for (;;) {
    const page = ledger.filesByRelPrefix(ws.id, relPrefix, after, 2000);
    if (page.length === 0) break;
    after = page[page.length - 1]!.rel;
    for (const rec of page) {
      checked++;
      dirs.add(dirname(rec.rel));
      const finding = check(ws, rec, opts);
      if (!finding) continue;
      if (opts.repair) finding.repair = repair(ledger, ws, rec, finding, opts);
      findings.push(finding);
    }
  }
  for (const dir of dirs) findings.push(...orphanTemps(joinRoot(ws.root, dir === '.' ? '' : dir).replace(/\/$/, ''), opts.repair));
  return { checked, findings };
}

function check(ws: Workspace, rec: FileRecord, opts: VerifyOptions): Finding | undefined {
  const path = joinRoot(ws.root, rec.rel);
  const st = lstatOrUndefined(path);
  // A directory (or a fifo, socket, device) where the file was: the file itself is gone. Calling it
  // "changed" would record a directory as a locally modified file.
  const inTheWay = st && !st.isFile() && !st.isSymbolicLink() ? nodeKind(st) : undefined;
  if (!st || inTheWay) {
    // Recorded missing already (by the daemon, or an earlier repair): only worth a finding when asked to bring it back.
    if (rec.state === 'missing') return opts.recreateMissing && !inTheWay ? { kind: 'missing', path, detail: 'deleted locally' } : undefined;
    return { kind: 'missing', path, detail: `the ledger says ${rec.state}, ${inTheWay ? `but a ${inTheWay} is in its place` : 'the file is gone'}` };
  }
  const same = statSignature(st) === rec.statSig;
  if (rec.state === 'missing') return { kind: 'reappeared', path, detail: 'the ledger says missing, the file is there' };
  if (rec.state === 'modified') return undefined; // a local edit: nothing to compare it with
  if (!same) return { kind: 'changed', path, detail: `the ledger says ${rec.state}, but the file changed since it was recorded` };
  if (rec.state === 'placeholder') return placeholderProblem(ws, rec, path, st, opts);
  if (opts.digest) return contentProblem(rec, path);
  return undefined;
}

function placeholderProblem(ws: Workspace, rec: FileRecord, path: string, st: BigIntStats, opts: VerifyOptions): Finding | undefined {
  const problems: string[] = [];
  if (rec.fileSize !== null && Number(st.size) !== rec.fileSize) problems.push(`size ${st.size}, expected ${rec.fileSize}`);
  const mode = Number(st.mode) & 0o777;
  const wanted = placeholderFileMode(opts.placeholderMode, rec);
  if (mode !== wanted) problems.push(`mode ${mode.toString(8)}, expected ${wanted.toString(8).padStart(3, '0')}`);
  if (ws.markers) {
    try {
      if (readMarker(path) !== markerValue(rec.rev, rec.digest)) problems.push('placeholder marker missing or wrong');
    } catch {
      // Unreadable to this user (mode 000 and not root): the marker cannot be checked.
    }
  }
  return problems.length > 0 ? { kind: 'bad-placeholder', path, detail: problems.join(', ') } : undefined;
}

function contentProblem(rec: FileRecord, path: string): Finding | undefined {
  const plan = planFor(rec);
  if (plan.verify !== 'digest' || plan.symlink || !rec.digest) return undefined;
  try {
    const client = readFileSync(path);
    const stored = plan.toStored(client);
    const got = stored === undefined ? 'undecodable' : hashHex('md5', stored ?? client);
    return got === rec.digest ? undefined : { kind: 'digest-mismatch', path, detail: `content digest ${got}, expected ${rec.digest}` };
  } catch (err) {
    return { kind: 'digest-mismatch', path, detail: `cannot read it: ${describeError(err)}` };
  }
}

function repair(ledger: Ledger, ws: Workspace, rec: FileRecord, f: Finding, opts: VerifyOptions): string {
  try {
    switch (f.kind) {
      case 'missing': {
        // Whatever took the file's place (a directory) is the user's: never replaced.
        const occupied = lstatOrUndefined(f.path) !== undefined;
        if (opts.recreateMissing && !occupied) {
          recreatePlaceholder(ledger, ws, rec, opts);
          return 're-created as a placeholder';
        }
        ledger.write(() => ledger.recordLocalState(ws.id, rec.rel, transition(rec.state, 'local-delete'), null));
        return occupied ? 'recorded as missing; what is in its place was left as it is' : 'recorded as missing';
      }
      case 'changed':
      case 'digest-mismatch': {
        const st = lstatOrUndefined(f.path);
        ledger.write(() => ledger.recordLocalState(ws.id, rec.rel, transition(rec.state, 'local-write'), st ? statSignature(st) : null));
        return 'recorded as modified; the file was left as it is';
      }
      case 'reappeared': {
        const st = lstatOrUndefined(f.path);
        const restored = opts.digest && !contentProblem(rec, f.path);
        ledger.write(() =>
          ledger.recordLocalState(
            ws.id,
            rec.rel,
            transition('missing', restored ? 'local-restore-same' : 'local-restore-other'),
            st ? statSignature(st) : null,
          ),
        );
        return restored ? 'holds its revision: recorded as hydrated' : 'recorded as modified';
      }
      case 'bad-placeholder':
        recreatePlaceholder(ledger, ws, rec, opts);
        return 're-created the placeholder';
      case 'orphan-temp':
        return 'removed';
    }
  } catch (err) {
    return `not repaired: ${describeError(err)}`;
  }
}

/** A fresh placeholder in place of a damaged or deleted one — never over a changed file. */
function recreatePlaceholder(ledger: Ledger, ws: Workspace, rec: FileRecord, opts: VerifyOptions): void {
  const path = joinRoot(ws.root, rec.rel);
  const prepared = preparePlaceholder({
    target: path,
    size: Math.max(0, rec.fileSize ?? 0),
    mode: placeholderFileMode(opts.placeholderMode, rec),
    marker: ws.markers ? markerValue(rec.rev, rec.digest) : null,
  });
  try {
    ledger.write(() => {
      const now = ledger.file(ws.id, rec.rel);
      const st = lstatOrUndefined(path);
      if (!now || (st && statSignature(st) !== now.statSig)) throw new Error('the file changed meanwhile');
      ledger.putFile({
        ...now,
        state: transition(now.state, 'add'),
        statSig: prepared.statSig,
        source: null,
        hydratedAt: null,
        updatedAt: Date.now(),
      });
      renameSync(prepared.path, path);
    });
  } catch (err) {
    unlinkQuietly(prepared.path);
    throw err;
  }
}

function nodeKind(st: BigIntStats): string {
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'named pipe';
  if (st.isSocket()) return 'socket';
  return 'device';
}

/** The agent's temp files left by a process that died mid-write (their pid no longer runs). */
function orphanTemps(dir: string, remove: boolean): Finding[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Finding[] = [];
  for (const name of names) {
    if (!isTempName(name)) continue;
    const pid = Number(name.split('.')[2]);
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) continue;
    const path = `${dir}/${name}`;
    const f: Finding = { kind: 'orphan-temp', path, detail: 'a temp file left by an o4-agent process that no longer runs' };
    if (remove) {
      unlinkQuietly(path);
      f.repair = 'removed';
    }
    out.push(f);
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
