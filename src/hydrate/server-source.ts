import { closeSync, openSync, readFileSync, constants } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { O4Error, describeError, ioError } from '../errors.js';
import { closeQuietly, openTempBeside, unlinkQuietly } from '../fs/temp-file.js';
import type { Log } from '../log/logger.js';
import { charsetName } from '../p4/charsets.js';
import { streamPrint, requestKey, type PrintHeader, type PrintRequest, type PrintSink } from '../p4/print-stream.js';
import { P4Failure, classifyRunFailure, recordText, type P4Connection, type P4Runner } from '../p4/runner.js';
import type { P4Record } from '../p4/marshal.js';
import type { ContentStore } from './content-store.js';
import { hashHex, writeAll } from './file-bytes.js';
import { DigestMismatch, type HydrationTarget, type InstallOutcome, type Installer, type PreparedInstall } from './installer.js';
import type { StoreWriter } from './store-writer.js';
import type { Verifier } from './verifier.js';

/**
 * Fetches revisions from the server with the real `p4`: a bounded pool of processes, each printing
 * a batch of revisions (`-x -`) that share a connection and print flags. Content streams into the
 * content store while it is hashed; only a revision whose digest matches is installed.
 */
export interface ServerOptions {
  readonly poolSize: number;
  readonly batchFiles: number;
  readonly batchBytes: number;
  readonly retries: number;
  readonly backoffMs: number;
}

export type OutcomeListener = (t: HydrationTarget, result: InstallOutcome) => void;

interface Batch {
  readonly conn: P4Connection;
  readonly connKey: string;
  readonly expandKeywords: boolean;
  readonly targets: HydrationTarget[];
}

export class ServerSource {
  constructor(
    private readonly runner: P4Runner,
    private readonly store: ContentStore,
    private readonly storeWriter: StoreWriter,
    private readonly installer: Installer,
    private readonly verifier: Verifier,
    private readonly options: ServerOptions,
    private readonly log: Log,
  ) {}

  async fetch(targets: readonly HydrationTarget[], onOutcome: OutcomeListener, signal?: AbortSignal): Promise<void> {
    const deadConnections = new Map<string, P4Failure>();
    const jobs: Array<() => Promise<void>> = [];
    for (const batch of this.batches(targets.filter((t) => t.plan.fetch === 'stream'))) {
      jobs.push(() => this.runStreamBatch(batch, onOutcome, deadConnections, signal));
    }
    for (const t of targets.filter((t) => t.plan.fetch === 'print-to-file')) {
      const conn = connectionOf(t);
      jobs.push(() => this.printToFile(t, conn, connKeyOf(conn), onOutcome, deadConnections, signal));
    }
    try {
      await runPool(jobs, this.options.poolSize, signal);
    } finally {
      await this.settle();
    }
  }

  /** Installs prepared from streamed content, committed in batches like local ones. */
  private readonly toCommit: Array<{ p: PreparedInstall; onOutcome: OutcomeListener }> = [];

  private queueCommit(p: PreparedInstall, onOutcome: OutcomeListener): void {
    if (this.toCommit.push({ p, onOutcome }) >= 64) this.flushCommits();
  }

  private flushCommits(): void {
    this.store.flushIndex();
    const batch = this.toCommit.splice(0);
    if (batch.length === 0) return;
    this.installer.commit(batch.map((b) => b.p)).forEach((o, i) => batch[i]!.onOutcome(batch[i]!.p.t, o));
  }

  /** Waits for installs still being prepared, then commits what is pending. */
  private async settle(): Promise<void> {
    await Promise.all([...this.installs]);
    this.flushCommits();
  }

  /** Groups stream targets by connection and -K, then cuts them into batches by count and bytes. */
  private batches(targets: readonly HydrationTarget[]): Batch[] {
    const groups = new Map<string, Batch>();
    for (const t of targets) {
      const conn = connectionOf(t);
      const key = `${connKeyOf(conn)}\0${t.plan.expandKeywords}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { conn, connKey: connKeyOf(conn), expandKeywords: t.plan.expandKeywords, targets: [] }));
      g.targets.push(t);
    }
    const out: Batch[] = [];
    for (const g of groups.values()) {
      let current: HydrationTarget[] = [];
      let bytes = 0;
      for (const t of g.targets) {
        const size = t.rec.fileSize ?? 0;
        if (current.length > 0 && (current.length >= this.options.batchFiles || bytes + size > this.options.batchBytes)) {
          out.push({ ...g, targets: current });
          current = [];
          bytes = 0;
        }
        current.push(t);
        bytes += size;
      }
      if (current.length > 0) out.push({ ...g, targets: current });
    }
    return out;
  }

  private async runStreamBatch(batch: Batch, onOutcome: OutcomeListener, dead: Map<string, P4Failure>, signal?: AbortSignal): Promise<void> {
    const byKey = new Map<string, HydrationTarget[]>();
    for (const t of batch.targets) {
      const key = requestKey({ depotFile: t.rec.depotFile, rev: t.rec.rev });
      byKey.set(key, [...(byKey.get(key) ?? []), t]);
    }
    let pending = new Map(byKey);
    for (let attempt = 0; pending.size > 0; attempt++) {
      const known = dead.get(batch.connKey);
      if (known) return failAll(pending, known, onOutcome);
      const requests: PrintRequest[] = [...pending.values()].map((ts) => ({ depotFile: ts[0]!.rec.depotFile, rev: ts[0]!.rec.rev }));
      let outcome;
      try {
        outcome = await streamPrint(this.runner, batch.conn, requests, { keywords: batch.expandKeywords, signal }, (header) => {
          const ts = pending.get(`${header.depotFile}#${header.rev}`);
          return ts ? new StreamSink(ts, header, this, onOutcome) : undefined;
        });
        await this.settle();
      } catch (err) {
        if (err instanceof O4Error && err.code === 'CANCELLED') throw err;
        return failAll(pending, err instanceof O4Error ? err : new O4Error('P4', describeError(err)), onOutcome);
      }
      const next = new Map<string, HydrationTarget[]>();
      for (const [key, ts] of pending) {
        if (outcome.completed.has(key)) continue;
        const warning = outcome.warnings.get(key);
        if (warning)
          for (const t of ts) onOutcome(t, { outcome: 'failed', error: new O4Error('P4', `p4 print: ${warning}`, { depotFile: t.rec.depotFile }) });
        else next.set(key, ts);
      }
      pending = next;
      if (pending.size === 0) return;
      const failure = outcome.failure ?? new P4Failure('other', 'p4 print ended without printing every requested revision');
      if (!failure.retryable || attempt >= this.options.retries) {
        if (failure.kind === 'auth' || failure.kind === 'missing-binary') dead.set(batch.connKey, failure);
        return failAll(pending, failure, onOutcome);
      }
      this.log.warn({ err: failure.message, attempt: attempt + 1, remaining: pending.size }, 'p4 print failed; retrying');
      await backoff(this.options.backoffMs, attempt, signal);
    }
  }

  private async printToFile(
    t: HydrationTarget,
    conn: P4Connection,
    connKey: string,
    onOutcome: OutcomeListener,
    dead: Map<string, P4Failure>,
    signal?: AbortSignal,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const known = dead.get(connKey);
      if (known) return onOutcome(t, { outcome: 'failed', error: known });
      const { fd, tmpPath } = openTempBeside(t.abs);
      closeSync(fd);
      const errors: P4Record[] = [];
      try {
        const run = await this.runner.run(
          conn,
          ['print', '-o', tmpPath, ...(t.plan.expandKeywords ? [] : ['-K']), ...t.plan.printFlags, `${t.rec.depotFile}#${t.rec.rev}`],
          { onRecord: (r) => r.code === 'error' && errors.push(r), signal },
        );
        const failure = classifyRunFailure(run, errors, this.runner.options.idleTimeoutMs);
        if (failure) {
          unlinkQuietly(tmpPath);
          if (failure.retryable && attempt < this.options.retries) {
            await backoff(this.options.backoffMs, attempt, signal);
            continue;
          }
          if (failure.kind === 'auth' || failure.kind === 'missing-binary') dead.set(connKey, failure);
          return onOutcome(t, { outcome: 'failed', error: failure });
        }
        if (errors.length > 0) {
          unlinkQuietly(tmpPath);
          return onOutcome(t, {
            outcome: 'failed',
            error: new O4Error('P4', `p4 print: ${errors.map(recordText).join(' ').trim()}`, { depotFile: t.rec.depotFile }),
          });
        }
        this.verifyPrinted(t, tmpPath);
        onOutcome(t, this.installer.commit([this.installer.prepareClientTemp(t, tmpPath, 'server')])[0]!);
        return;
      } catch (err) {
        unlinkQuietly(tmpPath);
        if (err instanceof O4Error && err.code === 'CANCELLED') throw err;
        return onOutcome(t, { outcome: 'failed', error: err instanceof O4Error ? err : ioError('hydrate', t.abs, err) });
      }
    }
  }

  /** A client-form file p4 wrote: mapped back to the stored form and checked against the digest. */
  private verifyPrinted(t: HydrationTarget, tmpPath: string): void {
    if (t.plan.verify !== 'digest' || !t.plan.storeKey) return;
    const stored = t.plan.toStored(readFileSync(tmpPath));
    if (stored === undefined)
      throw new O4Error('DIGEST_MISMATCH', `cannot map ${t.rec.depotFile}#${t.rec.rev} back to its stored form to verify it`, { path: t.abs });
    const bytes = stored ?? readFileSync(tmpPath);
    const got = hashHex('md5', bytes);
    if (got !== t.plan.storeKey) throw new DigestMismatch(t, got, 'server');
    this.verifier.learn(t.plan.storeKey, hashHex('sha256', bytes), bytes.length);
    this.storeWriter.addBytes(t.plan.storeKey, bytes);
  }

  /** Called by a finished sink: the content is at `storedPath` (in the store's temp area), not yet verified. */
  async completeStream(
    ts: readonly HydrationTarget[],
    header: PrintHeader,
    storedPath: string,
    md5: string,
    sha256: string,
    size: number,
    onOutcome: OutcomeListener,
  ): Promise<void> {
    const first = ts[0]!;
    const plan = first.plan;
    let installFrom = storedPath;
    try {
      if (plan.verify === 'digest' && md5 !== plan.storeKey) throw new DigestMismatch(first, md5, 'server');
      if (plan.verify === 'digest') this.verifier.learn(md5, sha256, size);
      if (plan.verify === 'size' && header.fileSize !== undefined && header.fileSize !== size) {
        throw new O4Error('HYDRATION', `p4 printed ${size} bytes of ${first.rec.depotFile}#${first.rec.rev}, the server reports ${header.fileSize}`, {
          path: first.abs,
        });
      }
      if (plan.storeKey) installFrom = this.store.adopt(storedPath, plan.storeKey).path;
    } catch (err) {
      unlinkQuietly(storedPath);
      for (const t of ts) onOutcome(t, { outcome: 'failed', error: err instanceof O4Error ? err : ioError('store', first.abs, err) });
      return;
    }
    for (const t of ts) {
      try {
        this.queueCommit(await this.installer.prepareFromStoredFile(t, installFrom, 'server', null), onOutcome);
      } catch (err) {
        onOutcome(t, { outcome: 'failed', error: err instanceof O4Error ? err : ioError('install', t.abs, err) });
      }
    }
    if (!plan.storeKey) unlinkQuietly(storedPath);
  }

  tempPath(): string {
    return this.store.tempPath();
  }

  /** Installs still running when a print ends are awaited before fetch() returns. */
  private readonly installs = new Set<Promise<void>>();

  track(p: Promise<void>): void {
    this.installs.add(p);
    void p.finally(() => this.installs.delete(p));
  }
}

/** Writes one revision's content to the store's temp area, hashing it as it arrives. */
class StreamSink implements PrintSink {
  private readonly path: string;
  private readonly fd: number;
  private readonly md5: Hash = createHash('md5');
  private readonly sha256: Hash = createHash('sha256');
  private size = 0;
  private failed: Error | undefined;

  constructor(
    private readonly targets: readonly HydrationTarget[],
    private readonly header: PrintHeader,
    private readonly source: ServerSource,
    private readonly onOutcome: OutcomeListener,
  ) {
    this.path = source.tempPath();
    this.fd = openSync(this.path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  }

  write(chunk: Buffer): void {
    if (this.failed) return;
    try {
      writeAll(this.fd, chunk);
      this.md5.update(chunk);
      this.sha256.update(chunk);
      this.size += chunk.length;
    } catch (err) {
      // Disk full or similar: this revision fails; the stream goes on for the others.
      this.failed = ioError('write content of', this.targets[0]!.abs, err);
    }
  }

  finish(): void {
    closeQuietly(this.fd);
    if (this.failed) {
      unlinkQuietly(this.path);
      for (const t of this.targets) this.onOutcome(t, { outcome: 'failed', error: this.failed as O4Error });
      return;
    }
    const done = this.source.completeStream(
      this.targets,
      this.header,
      this.path,
      this.md5.digest('hex').toUpperCase(),
      this.sha256.digest('hex').toUpperCase(),
      this.size,
      this.onOutcome,
    );
    this.source.track(done);
  }

  abort(): void {
    closeQuietly(this.fd);
    unlinkQuietly(this.path);
  }
}

/**
 * A `charset` in the add means a Unicode-mode server. The connection then speaks UTF-8 (`-C utf8`):
 * file names and `-x` input are UTF-8 as the agent received them, whatever the user's P4CHARSET;
 * the content charset of unicode files is chosen per print with `print -Q` (content-plan.ts).
 */
export function connectionOf(t: HydrationTarget): P4Connection {
  const cs = charsetName(t.rec.charset);
  return { port: t.ws.port, user: t.ws.user, client: t.ws.client, charset: cs && cs !== 'none' ? 'utf8' : null };
}

function connKeyOf(c: P4Connection): string {
  return `${c.port}\0${c.user ?? ''}\0${c.client}\0${c.charset ?? ''}`;
}

function failAll(pending: Map<string, HydrationTarget[]>, error: O4Error, onOutcome: OutcomeListener): void {
  for (const ts of pending.values()) for (const t of ts) onOutcome(t, { outcome: 'failed', error });
}

async function backoff(baseMs: number, attempt: number, signal?: AbortSignal): Promise<void> {
  const ms = baseMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new O4Error('CANCELLED', 'cancelled'));
      },
      { once: true },
    );
  });
}

/** Runs jobs with at most `limit` at once; stops starting new ones once cancelled. */
export async function runPool(jobs: ReadonlyArray<() => Promise<void>>, limit: number, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !signal?.aborted) {
      const job = jobs[next++]!;
      await job();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, worker));
}
