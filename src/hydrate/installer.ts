import { chmodSync, closeSync, fchmodSync, fstatSync, lstatSync, readSync, renameSync, symlinkSync, constants } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { O4Error, describeError, ioError } from '../errors.js';
import { clientFileMode } from '../fs/modes.js';
import { lstatOrUndefined, statSignature } from '../fs/stat-signature.js';
import { closeQuietly, openTempBeside, unlinkQuietly } from '../fs/temp-file.js';
import type { FileRecord, Ledger, Workspace } from '../store/ledger.js';
import { transition } from '../store/states.js';
import type { ContentPlan } from './content-plan.js';
import type { CopyPool } from './copy-pool.js';
import { hashFdAsync, writeAll } from './file-bytes.js';
import { copyToTemp, openSource, type CopyJob } from './local-copy.js';
import type { Expectation, Verifier } from './verifier.js';

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

/** Verified content in a temp file beside its target, with its final mode, ready to be renamed over it. */
export interface PreparedInstall {
  readonly t: HydrationTarget;
  readonly tmpPath: string;
  readonly source: HydrationSource;
  readonly bytes: number;
  /** The temp file's stat signature, where known without another lstat. */
  readonly statSig?: string;
}

export type InstallOutcome =
  | { readonly outcome: 'hydrated'; readonly source: HydrationSource; readonly bytes: number }
  | { readonly outcome: 'skipped' | 'failed'; readonly error: O4Error };

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
 * Puts verified content in place of placeholders. Preparing writes a temp file in the target's
 * directory with the final mode; committing — for up to a batch of files in one ledger write
 * transaction — checks each placeholder is exactly what the agent wrote, renames the temp file over
 * it and records it as hydrated. A placeholder the user touched is never replaced, and one file's
 * problem never stops the others.
 */
export class Installer {
  constructor(
    private readonly ledger: Ledger,
    private readonly verifier: Verifier,
    /** Copy workers for big batches; without them copies run on this thread. */
    private readonly copier?: CopyPool,
  ) {}

  /**
   * Prepares the client form of a stored-form file, verifying it against `expect` on the way
   * (null: verified already, e.g. just fetched). With `sourceSig`, the source is used only while its
   * stat is still that (checked on the open descriptor; SourceChanged otherwise). Files whose client
   * form is their stored form are copied by a copy worker when there is one, large ones in the
   * kernel while the source is hashed.
   */
  async prepareFromStoredFile(
    t: HydrationTarget,
    storedPath: string,
    source: HydrationSource,
    expect: Expectation | null,
    sourceSig?: string,
  ): Promise<PreparedInstall> {
    if (t.plan.symlink || !t.plan.clientFormIsStored) {
      const src = openSource(storedPath, sourceSig);
      let stored: Buffer;
      try {
        stored = readAll(src.fd, src.size, storedPath);
      } finally {
        closeSync(src.fd);
      }
      if (t.plan.symlink) return this.prepareSymlink(t, stored, source, expect);
      if (expect) this.verifier.check(t, expect, this.verifier.hash(stored, expect), stored.length, source);
      return this.prepareFromStoredBytes(t, stored, source);
    }
    const job: CopyJob = {
      src: storedPath,
      sourceSig,
      target: t.abs,
      mode: clientFileMode(this.bits(t)),
      algs: expect ? this.verifier.algorithms(expect) : [],
    };
    const copied = this.copier ? await this.copier.copy(job) : copyToTemp(job);
    if (copied.kind === 'large') return this.prepareLarge(t, job, source, expect);
    try {
      if (expect) this.verifier.check(t, expect, copied.hashes, copied.size, source);
    } catch (err) {
      unlinkQuietly(copied.tmpPath);
      throw err;
    }
    return { t, tmpPath: copied.tmpPath, source, bytes: copied.size, statSig: copied.statSig };
  }

  /** A large file is copied by the kernel (a reflink where it can) while this thread hashes the source. */
  private async prepareLarge(t: HydrationTarget, job: CopyJob, source: HydrationSource, expect: Expectation | null): Promise<PreparedInstall> {
    const src = openSource(job.src, job.sourceSig);
    const { fd, tmpPath } = openTempBeside(t.abs);
    closeSync(fd);
    try {
      // Copied through the descriptor that was checked and is being hashed: a file replaced at that
      // path meanwhile can never be what gets installed.
      const sameFile = `/proc/self/fd/${src.fd}`;
      const [hashed] = await Promise.all([hashFdAsync(src.fd, job.src, job.algs), copyFile(sameFile, tmpPath, constants.COPYFILE_FICLONE)]);
      if (expect) this.verifier.check(t, expect, hashed.hashes, hashed.size, source);
      chmodSync(tmpPath, job.mode);
      return { t, tmpPath, source, bytes: hashed.size, statSig: statSignature(lstatSync(tmpPath, { bigint: true })) };
    } catch (err) {
      unlinkQuietly(tmpPath);
      throw err instanceof O4Error ? err : ioError('copy content for', t.abs, err);
    } finally {
      closeSync(src.fd);
    }
  }

  /** Prepares verified stored-form bytes held in memory. */
  prepareFromStoredBytes(t: HydrationTarget, stored: Buffer, source: HydrationSource): PreparedInstall {
    if (t.plan.symlink) return this.prepareSymlink(t, stored, source, null);
    const client = t.plan.toClient(stored) ?? stored;
    const { fd, tmpPath } = openTempBeside(t.abs);
    try {
      writeAll(fd, client);
      fchmodSync(fd, clientFileMode(this.bits(t)));
      const statSig = statSignature(fstatSync(fd, { bigint: true }));
      closeSync(fd);
      return { t, tmpPath, source, bytes: client.length, statSig };
    } catch (err) {
      closeQuietly(fd);
      unlinkQuietly(tmpPath);
      throw ioError('write content for', t.abs, err);
    }
  }

  /** Adopts a client-form file `p4 print -o` wrote beside the target. */
  prepareClientTemp(t: HydrationTarget, tmpPath: string, source: HydrationSource): PreparedInstall {
    try {
      const st = lstatSync(tmpPath);
      if (!st.isSymbolicLink()) chmodSync(tmpPath, clientFileMode(this.bits(t)));
      return { t, tmpPath, source, bytes: st.size };
    } catch (err) {
      unlinkQuietly(tmpPath);
      throw ioError('set the mode of', t.abs, err);
    }
  }

  /** Symlink types become real symlinks to the stored text up to its first newline. */
  private prepareSymlink(t: HydrationTarget, stored: Buffer, source: HydrationSource, expect: Expectation | null): PreparedInstall {
    if (expect) this.verifier.check(t, expect, this.verifier.hash(stored, expect), stored.length, source);
    const text = stored.toString('utf8');
    const nl = text.indexOf('\n');
    const target = nl < 0 ? text : text.slice(0, nl);
    if (target === '') throw new O4Error('HYDRATION', `${t.rec.depotFile}#${t.rec.rev} is a symlink with an empty target`, { path: t.abs });
    const { fd, tmpPath } = openTempBeside(t.abs);
    closeSync(fd);
    unlinkQuietly(tmpPath);
    try {
      symlinkSync(target, tmpPath);
    } catch (err) {
      throw ioError('create symlink', t.abs, err);
    }
    return { t, tmpPath, source, bytes: stored.length };
  }

  /** Renames each prepared file over its placeholder and records it, all in one write transaction. */
  commit(batch: readonly PreparedInstall[]): InstallOutcome[] {
    const outcomes: InstallOutcome[] = new Array<InstallOutcome>(batch.length);
    const renamed: number[] = [];
    try {
      this.ledger.write(() => {
        this.verifier.flushLearned();
        batch.forEach((p, i) => {
          try {
            this.replace(p);
            renamed.push(i);
            outcomes[i] = { outcome: 'hydrated', source: p.source, bytes: p.bytes };
          } catch (err) {
            unlinkQuietly(p.tmpPath);
            const error = err instanceof O4Error ? err : ioError('install', p.t.abs, err);
            outcomes[i] = { outcome: err instanceof PlaceholderChanged ? 'skipped' : 'failed', error };
          }
        });
      });
    } catch (err) {
      // The ledger could not commit: the files renamed in are real, verified content, but their
      // rows still say placeholder; the next checkFile sees a changed stat and answers `exists`.
      const error = new O4Error('LEDGER', `content not recorded in the ledger: ${describeError(err)}`);
      for (const i of renamed) outcomes[i] = { outcome: 'failed', error };
      batch.forEach((p, i) => {
        if (outcomes[i]) return;
        unlinkQuietly(p.tmpPath); // never reached: the transaction did not begin
        outcomes[i] = { outcome: 'failed', error };
      });
    }
    return outcomes;
  }

  discard(p: PreparedInstall): void {
    unlinkQuietly(p.tmpPath);
  }

  private bits(t: HydrationTarget): { writable: boolean; executable: boolean } {
    return t.bits ?? { writable: t.rec.writable, executable: t.rec.executable };
  }

  private replace(p: PreparedInstall): void {
    const { t } = p;
    const now = this.ledger.placeholderState(t.ws.id, t.rec.rel);
    if (!now || now.state !== 'placeholder' || now.statSig !== t.rec.statSig) {
      throw new PlaceholderChanged(t.abs, now?.state === 'hydrated' ? 'was hydrated meanwhile' : 'changed in the ledger meanwhile');
    }
    const st = lstatOrUndefined(t.abs);
    if (!st) throw new PlaceholderChanged(t.abs, 'was deleted');
    if (statSignature(st) !== now.statSig) throw new PlaceholderChanged(t.abs, 'was changed locally');
    transition(now.state, 'hydrated');
    try {
      renameSync(p.tmpPath, t.abs);
    } catch (err) {
      throw ioError('install', t.abs, err);
    }
    const statSig = p.statSig ?? statSignature(lstatSync(t.abs, { bigint: true }));
    this.ledger.recordHydrated(t.ws.id, t.rec.rel, { ...this.bits(t), statSig, source: p.source });
  }
}

function readAll(fd: number, size: number, label: string): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  try {
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, null);
      if (n === 0) break;
      off += n;
    }
  } catch (err) {
    throw ioError('read', label, err);
  }
  return off === size ? buf : buf.subarray(0, off);
}
