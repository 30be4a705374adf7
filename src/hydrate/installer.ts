import { chmodSync, closeSync, fchmodSync, lstatSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { O4Error, ioError } from '../errors.js';
import { clientFileMode } from '../fs/modes.js';
import { lstatOrUndefined, statSignature } from '../fs/stat-signature.js';
import { closeQuietly, openTempBeside, unlinkQuietly } from '../fs/temp-file.js';
import type { FileRecord, Ledger, Workspace } from '../store/ledger.js';
import { transition } from '../store/states.js';
import type { ContentPlan } from './content-plan.js';
import { copyHashing, md5Hex, writeAll } from './file-bytes.js';

export type HydrationSource = 'store' | 'sibling' | 'seed' | 'server';

/** One placeholder to fill, with how its content is to be made. */
export interface HydrationTarget {
  readonly ws: Workspace;
  readonly rec: FileRecord;
  readonly abs: string;
  readonly plan: ContentPlan;
  /** Mode bits to install with, when they differ from the recorded ones (chmod to writable). */
  readonly bits?: { writable: boolean; executable: boolean };
}

/** The file is no longer the placeholder the agent wrote: the user changed it, or another process hydrated it. */
export class PlaceholderChanged extends O4Error {
  constructor(abs: string, why: string) {
    super('MODIFIED', `${abs} ${why}; left as it is`, { path: abs });
  }
}

export class DigestMismatch extends O4Error {
  constructor(t: HydrationTarget, got: string, source: HydrationSource) {
    super(
      'DIGEST_MISMATCH',
      `content of ${t.rec.depotFile}#${t.rec.rev} from the ${source} does not match the server digest (expected ${t.rec.digest}, got ${got})`,
      { path: t.abs, depotFile: t.rec.depotFile, rev: t.rec.rev, source },
    );
  }
}

/**
 * Puts verified content in place of a placeholder: written to a temp file in the same directory,
 * given its final mode, then — inside one ledger write transaction — the placeholder is checked to
 * be exactly what the agent wrote, the temp file is renamed over it and the row becomes
 * `hydrated`. A placeholder the user touched is never replaced.
 */
export class Installer {
  constructor(private readonly ledger: Ledger) {}

  /**
   * Installs the client form of a stored-form file. With `expectDigest`, the stored form is hashed
   * on the way and must match it (a store entry or a local copy); without, it was verified already.
   * Returns the number of bytes written.
   */
  fromStoredFile(t: HydrationTarget, storedPath: string, source: HydrationSource, expectDigest: string | null): number {
    if (t.plan.symlink) return this.symlinkFrom(t, readFileSync(storedPath), source, expectDigest);
    if (t.plan.clientFormIsStored) {
      const { fd, tmpPath } = openTempBeside(t.abs);
      try {
        const copied = copyHashing(storedPath, fd);
        if (expectDigest && copied.md5 !== expectDigest) throw new DigestMismatch(t, copied.md5, source);
        this.finishTemp(t, fd, tmpPath, source);
        return copied.size;
      } catch (err) {
        closeQuietly(fd);
        unlinkQuietly(tmpPath);
        throw err;
      }
    }
    const stored = readStored(storedPath);
    if (expectDigest) {
      const got = md5Hex(stored);
      if (got !== expectDigest) throw new DigestMismatch(t, got, source);
    }
    return this.fromBytes(t, t.plan.toClient(stored) ?? stored, source);
  }

  /** Installs verified stored-form bytes held in memory. */
  fromStoredBytes(t: HydrationTarget, stored: Buffer, source: HydrationSource): number {
    if (t.plan.symlink) return this.symlinkFrom(t, stored, source, null);
    return this.fromBytes(t, t.plan.toClient(stored) ?? stored, source);
  }

  /** Installs a client-form file `p4 print -o` wrote beside the target. */
  fromClientTemp(t: HydrationTarget, tmpPath: string, source: HydrationSource): number {
    try {
      const st = lstatSync(tmpPath);
      // The temp file is ours and not yet visible under the target's name.
      if (!st.isSymbolicLink()) chmodSync(tmpPath, clientFileMode(this.bits(t)));
      this.commit(t, tmpPath, source);
      return st.size;
    } catch (err) {
      unlinkQuietly(tmpPath);
      throw err instanceof O4Error ? err : ioError('install', t.abs, err);
    }
  }

  private fromBytes(t: HydrationTarget, client: Buffer, source: HydrationSource): number {
    const { fd, tmpPath } = openTempBeside(t.abs);
    try {
      writeAll(fd, client);
      this.finishTemp(t, fd, tmpPath, source);
      return client.length;
    } catch (err) {
      closeQuietly(fd);
      unlinkQuietly(tmpPath);
      throw err;
    }
  }

  /** Symlink types become real symlinks to the stored text up to its first newline. */
  private symlinkFrom(t: HydrationTarget, stored: Buffer, source: HydrationSource, expectDigest: string | null): number {
    if (expectDigest) {
      const got = md5Hex(stored);
      if (got !== expectDigest) throw new DigestMismatch(t, got, source);
    }
    const text = stored.toString('utf8');
    const nl = text.indexOf('\n');
    const target = nl < 0 ? text : text.slice(0, nl);
    if (target === '') throw new O4Error('HYDRATION', `${t.rec.depotFile}#${t.rec.rev} is a symlink with an empty target`, { path: t.abs });
    const { fd, tmpPath } = openTempBeside(t.abs);
    closeSync(fd);
    unlinkQuietly(tmpPath);
    try {
      symlinkSync(target, tmpPath);
      this.commit(t, tmpPath, source);
    } catch (err) {
      unlinkQuietly(tmpPath);
      throw err instanceof O4Error ? err : ioError('create symlink', t.abs, err);
    }
    return stored.length;
  }

  private finishTemp(t: HydrationTarget, fd: number, tmpPath: string, source: HydrationSource): void {
    try {
      fchmodSync(fd, clientFileMode(this.bits(t)));
    } finally {
      closeSync(fd);
    }
    this.commit(t, tmpPath, source);
  }

  private bits(t: HydrationTarget): { writable: boolean; executable: boolean } {
    return t.bits ?? { writable: t.rec.writable, executable: t.rec.executable };
  }

  /** Replaces the placeholder and records it, as one step under the ledger's write lock. */
  private commit(t: HydrationTarget, tmpPath: string, source: HydrationSource): void {
    this.ledger.write(() => {
      const now = this.ledger.file(t.ws.id, t.rec.rel);
      if (!now || now.state !== 'placeholder' || now.statSig !== t.rec.statSig) {
        throw new PlaceholderChanged(t.abs, now?.state === 'hydrated' ? 'was hydrated meanwhile' : 'changed in the ledger meanwhile');
      }
      const st = lstatOrUndefined(t.abs);
      if (!st) throw new PlaceholderChanged(t.abs, 'was deleted');
      if (statSignature(st) !== now.statSig) throw new PlaceholderChanged(t.abs, 'was changed locally');
      try {
        renameSync(tmpPath, t.abs);
      } catch (err) {
        throw ioError('install', t.abs, err);
      }
      const installed = lstatSync(t.abs, { bigint: true });
      this.ledger.putFile({
        ...now,
        ...this.bits(t),
        state: transition('placeholder', 'hydrated'),
        statSig: statSignature(installed),
        source,
        hydratedAt: Date.now(),
        updatedAt: Date.now(),
      });
    });
  }
}

function readStored(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw ioError('read', path, err);
  }
}
