import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Log } from '../log/logger.js';
import { nodeRequire } from '../module-paths.js';

/**
 * Keeps WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever
 * COMMIT crosses the threshold and, with synchronous=NORMAL, fsyncs the WAL and the database there:
 * a ~10 ms stall every few hundred requests and a third of an `add`'s average cost (measured in
 * docs/benchmarks.md). The agent turns the automatic checkpoint off and, once a long sync has
 * grown the WAL, lets a worker thread with its own connection run PASSIVE checkpoints beside it.
 * Short p4 commands never grow the WAL that far and never start the worker.
 */
export interface CheckpointerOptions {
  /** WAL size that wakes the worker. */
  readonly thresholdBytes: number;
  /** How often the worker checkpoints once awake. */
  readonly intervalMs: number;
  /** Commits after which the writer asks for a checkpoint before the interval is up. */
  readonly nudgeWrites: number;
  /** WAL size from which the worker also restarts the WAL from its beginning. */
  readonly restartBytes: number;
}

// PASSIVE copies frames without ever blocking the agent; the WAL only starts over when a writer
// begins while every frame is copied, which a busy writer never sees, so RESTART follows, with no
// busy wait: it only runs in a gap between requests and finishes the few frames PASSIVE left.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.db, { timeout: 0 });
const walFile = workerData.db + '-wal';
let retries = 0;
const run = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    let restarted = false;
    // RESTART briefly holds the write lock, and SQLite's busy handler makes a blocked writer sleep
    // at least 1 ms: restart only once the WAL has grown well past the wake-up size.
    const size = require('node:fs').statSync(walFile, { throwIfNoEntry: false })?.size ?? 0;
    if (size >= workerData.restartBytes) {
      try {
        restarted = db.pragma('wal_checkpoint(RESTART)')[0].busy === 0;
      } catch (err) {
        if (err.code !== 'SQLITE_BUSY') throw err;
      }
      // The writer was in a transaction: look for a gap between its requests a little later.
      if (!restarted && retries < 20) {
        retries++;
        setTimeout(run, 10);
      } else retries = 0;
    }
    parentPort.postMessage({ ok: true, log: r.log, checkpointed: r.checkpointed, restarted });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String((err && err.message) || err) });
  }
};
run();
setInterval(run, workerData.intervalMs);
// The writer's nudge after many commits: the WAL stays bounded however fast it is written.
parentPort.on('message', run);
`;

export class WalCheckpointer {
  private worker: Worker | undefined;
  private writes = 0;
  private failed = false;

  constructor(
    private readonly dbPath: string,
    private readonly options: CheckpointerOptions,
    private readonly log: Log,
    /** Called if the worker cannot run: the caller restores SQLite's own checkpointing. */
    private readonly fallback: () => void,
  ) {}

  /** Called after each committed write; looks at the WAL size every 64 writes. */
  noteWrite(): void {
    if (this.failed) return;
    this.writes++;
    if (this.worker) {
      if (this.writes % this.options.nudgeWrites === 0) this.worker.postMessage('now');
      return;
    }
    if (this.writes % 64 !== 0) return;
    const size = statSync(`${this.dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    if (size >= this.options.thresholdBytes) this.start();
  }

  private start(): void {
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { sqlite: nodeRequire.resolve('better-sqlite3'), db: this.dbPath, ...this.options },
        stdout: true,
        stderr: true,
      });
      // Delivered whenever the agent's event loop runs (it blocks on stdin between requests).
      worker.on('message', (m: { ok: boolean; error?: string; log?: number; checkpointed?: number; restarted?: boolean }) => {
        if (!m.ok) this.log.warn({ err: m.error }, 'background WAL checkpoint failed');
        else this.log.debug({ walFrames: m.log, checkpointed: m.checkpointed, restarted: m.restarted }, 'background WAL checkpoint');
      });
      worker.on('error', (err) => this.giveUp(err));
      // After the listeners: adding a 'message' listener refs the worker again.
      worker.unref();
      this.worker = worker;
      this.log.debug({ db: this.dbPath }, 'background WAL checkpointer started');
    } catch (err) {
      this.giveUp(err);
    }
  }

  private giveUp(err: unknown): void {
    this.failed = true;
    this.worker = undefined;
    this.log.warn({ err: String(err) }, 'background WAL checkpointer unavailable; SQLite checkpoints inline');
    this.fallback();
  }

  close(): Promise<number> | undefined {
    return this.worker?.terminate();
  }
}
