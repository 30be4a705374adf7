import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { O4Error, describeError, type O4ErrorCode } from '../errors.js';
import type { Log } from '../log/logger.js';
import { packageRoot } from '../module-paths.js';
import type { CopyReply, CopyRequest } from './copy-worker.js';
import { SourceChanged, copyToTemp, type CopyJob, type CopyResult } from './local-copy.js';

/**
 * Local copies in worker threads. Hydrating thousands of small files from the store or a sibling is
 * mostly system calls (open, read, write, chmod, close) plus ledger work; with the copies in workers
 * the main thread keeps only the ledger and the renames, and the calls of both run on separate cores
 * (docs/benchmarks.md). Jobs queued in the same turn of the event loop travel as one message.
 * A handful of copies (a `p4 edit`) never starts a worker: they run inline.
 */
const INLINE_BELOW = 16;
const BATCH = 64;

interface Waiting {
  readonly job: CopyJob;
  resolve(r: CopyResult): void;
  reject(e: Error): void;
}

interface PoolWorker {
  readonly worker: Worker;
  load: number;
}

export class CopyPool {
  private workers: PoolWorker[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private queued: CopyRequest[] = [];
  private flushScheduled = false;
  private nextId = 1;
  /** Workers could not run (missing build, a crash): copies run on this thread from then on. */
  private broken = false;

  constructor(
    private readonly threads: number,
    private readonly log: Log,
  ) {}

  /** Threads for a `hydrate.copyThreads` setting: 0 means one per core but one, at most 4. */
  static threadsFor(setting: number): number {
    return setting > 0 ? setting : Math.max(1, Math.min(4, availableParallelism() - 1));
  }

  copy(job: CopyJob): Promise<CopyResult> {
    if (this.broken) return attempt(() => copyToTemp(job));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { job, resolve, reject });
      this.queued.push({ id, job });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  private flush(): void {
    this.flushScheduled = false;
    const queued = this.queued;
    this.queued = [];
    if (this.broken || (this.workers.length === 0 && queued.length < INLINE_BELOW)) {
      for (const { id } of queued) this.runInline(id);
      return;
    }
    if (this.workers.length === 0 && !this.start()) {
      for (const { id } of queued) this.runInline(id);
      return;
    }
    for (let i = 0; i < queued.length; i += BATCH) {
      const batch = queued.slice(i, i + BATCH);
      const target = this.workers.reduce((a, b) => (b.load < a.load ? b : a));
      if (target.load === 0) target.worker.ref(); // jobs in flight keep the process alive
      target.load += batch.length;
      target.worker.postMessage(batch);
    }
  }

  private start(): boolean {
    const entry = join(packageRoot(), 'dist', 'src', 'hydrate', 'copy-worker.js');
    try {
      for (let i = 0; i < this.threads; i++) {
        const pw: PoolWorker = { worker: new Worker(entry), load: 0 };
        pw.worker.unref();
        pw.worker.on('message', (replies: CopyReply[]) => this.onReplies(pw, replies));
        pw.worker.on('error', (err) => this.onWorkerError(err));
        this.workers.push(pw);
      }
      return true;
    } catch (err) {
      this.onWorkerError(err);
      return false;
    }
  }

  private onReplies(pw: PoolWorker, replies: CopyReply[]): void {
    pw.load -= replies.length;
    if (pw.load === 0) pw.worker.unref();
    for (const r of replies) {
      const w = this.waiting.get(r.id);
      if (!w) continue;
      this.waiting.delete(r.id);
      if (r.ok) w.resolve(r.result);
      else
        w.reject(
          r.name === 'SourceChanged' ? new SourceChanged(String(r.context['path'])) : new O4Error(r.code as O4ErrorCode, r.message, r.context),
        );
    }
  }

  /**
   * A worker that fails: copying continues on this thread, the jobs still out included (a copy
   * that did happen left a temp file, which is harmless: it is never renamed, and verify removes it).
   */
  private onWorkerError(err: unknown): void {
    if (this.broken) return;
    this.log.warn({ err: describeError(err) }, 'copy workers unavailable; copying on the main thread');
    this.broken = true;
    for (const id of [...this.waiting.keys()]) this.runInline(id);
    void this.close();
  }

  private runInline(id: number): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    attempt(() => copyToTemp(w.job)).then(w.resolve, w.reject);
  }
}

function attempt(run: () => CopyResult): Promise<CopyResult> {
  try {
    return Promise.resolve(run());
  } catch (err) {
    return Promise.reject(err as Error);
  }
}
