import { describeError } from '../errors.js';
import { Hydrator, type HydrationSummary } from '../hydrate/hydrator.js';
import type { HydrationTarget } from '../hydrate/installer.js';
import type { Log } from '../log/logger.js';
import type { Ledger, Workspace } from '../store/ledger.js';

/**
 * The daemon's background hydration: explicit requests first, then "always local" pins, then
 * prefetch rules; a bounded batch at a time. A circuit breaker stops server fetches after repeated
 * failures (the server is down, the ticket expired) and says so in `status`; content the machine
 * already has keeps flowing meanwhile.
 */
export const PRIORITIES = ['explicit', 'pinned', 'prefetch'] as const;
export type Priority = (typeof PRIORITIES)[number];

interface Item {
  readonly wsId: number;
  readonly rel: string;
}

export interface QueueOptions {
  readonly batchFiles: number;
  readonly breakerFailures: number;
  readonly breakerCooldownMs: number;
}

export class HydrationQueue {
  private readonly lanes: Record<Priority, Map<string, Item>> = { explicit: new Map(), pinned: new Map(), prefetch: new Map() };
  private active = 0;
  private running = false;
  private wake: (() => void) | undefined;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  paused = false;
  private failures = 0;
  private openUntil = 0;
  private lastServerError: string | null = null;

  constructor(
    private readonly ledger: Ledger,
    private readonly hydrator: () => Hydrator,
    private options: QueueOptions,
    private readonly log: Log,
  ) {}

  configure(options: QueueOptions): void {
    this.options = options;
  }

  enqueue(items: Iterable<Item>, priority: Priority): number {
    let added = 0;
    const higher = PRIORITIES.slice(0, PRIORITIES.indexOf(priority));
    for (const item of items) {
      const key = `${item.wsId}\0${item.rel}`;
      if (higher.some((p) => this.lanes[p].has(key)) || this.lanes[priority].has(key)) continue;
      for (const lower of PRIORITIES.slice(PRIORITIES.indexOf(priority) + 1)) this.lanes[lower].delete(key);
      this.lanes[priority].set(key, item);
      added++;
    }
    if (added > 0) this.wake?.();
    return added;
  }

  counts(): { explicit: number; pinned: number; prefetch: number; active: number } {
    return { explicit: this.lanes.explicit.size, pinned: this.lanes.pinned.size, prefetch: this.lanes.prefetch.size, active: this.active };
  }

  breaker(): { open: boolean; failures: number; lastError: string | null; retryAt: number | null } {
    const open = Date.now() < this.openUntil;
    return { open, failures: this.failures, lastError: this.lastServerError, retryAt: open ? this.openUntil : null };
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.wake?.();
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops: the batch in progress is cancelled (files being installed finish), the rest stays queued. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const batch = this.paused ? undefined : this.take();
      if (!batch) {
        await this.idle(5000);
        continue;
      }
      const progressed = await this.hydrateBatch(batch);
      // Only files that need the server, and the breaker is open: wait for its cooldown (or new
      // work) instead of spinning over the same deferred batch.
      if (!progressed) await this.idle(Math.max(0, Math.min(this.openUntil - Date.now(), 5000)));
    }
  }

  /** Sleeps until new work, a resume, a stop, or the timeout: the breaker's cooldown ends unannounced. */
  private async idle(timeoutMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      setTimeout(resolve, timeoutMs).unref();
    });
    this.wake = undefined;
  }

  private take(): { priority: Priority; items: Item[] } | undefined {
    for (const priority of PRIORITIES) {
      const lane = this.lanes[priority];
      if (lane.size === 0) continue;
      const items: Item[] = [];
      for (const [key, item] of lane) {
        items.push(item);
        lane.delete(key);
        if (items.length >= this.options.batchFiles) break;
      }
      return { priority, items };
    }
    return undefined;
  }

  /** False when nothing could be done for the batch but defer it. */
  private async hydrateBatch(batch: { priority: Priority; items: Item[] }): Promise<boolean> {
    const targets: HydrationTarget[] = [];
    const workspaces = new Map<number, Workspace | undefined>();
    for (const item of batch.items) {
      if (!workspaces.has(item.wsId)) workspaces.set(item.wsId, this.ledger.workspaceById(item.wsId));
      const ws = workspaces.get(item.wsId);
      const rec = ws && this.ledger.file(item.wsId, item.rel);
      if (ws && rec?.state === 'placeholder') targets.push(Hydrator.target(ws, rec));
    }
    if (targets.length === 0) return true;
    this.active = targets.length;
    this.abort = new AbortController();
    const allowServer = !this.breaker().open;
    const deferred: Item[] = [];
    try {
      const summary = await this.hydrator().hydrate(targets, {
        signal: this.abort.signal,
        allowServer,
        onResult: (r) => {
          if (r.outcome === 'deferred' || r.outcome === 'cancelled') {
            const t = targets.find((x) => x.abs === r.path);
            if (t) deferred.push({ wsId: t.ws.id, rel: t.rec.rel });
          }
        },
      });
      this.noteOutcome(summary, allowServer);
      this.log.info({ priority: batch.priority, ...countsOf(summary) }, 'background hydration batch');
    } catch (err) {
      this.log.error({ err: describeError(err) }, 'background hydration batch failed');
    } finally {
      this.active = 0;
      this.abort = undefined;
    }
    // Deferred and interrupted files go back where they came from, for later.
    if (deferred.length > 0 && this.running) this.enqueue(deferred, batch.priority);
    return deferred.length < targets.length;
  }

  /** Consecutive batches in which the server failed every file it was asked for open the breaker. */
  private noteOutcome(summary: HydrationSummary, allowServer: boolean): void {
    if (!allowServer) return;
    const serverFailures = summary.failures.filter((f) => f.code === 'P4');
    if (summary.bySource.server.files > 0 || serverFailures.length === 0) {
      if (serverFailures.length === 0) this.failures = 0;
      return;
    }
    this.failures++;
    this.lastServerError = serverFailures[0]!.reason ?? 'p4 failed';
    if (this.failures >= this.options.breakerFailures) {
      this.openUntil = Date.now() + this.options.breakerCooldownMs;
      this.log.warn(
        { failures: this.failures, until: new Date(this.openUntil).toISOString(), err: this.lastServerError },
        'server fetches paused after repeated failures',
      );
    }
  }
}

function countsOf(s: HydrationSummary) {
  return { hydrated: s.hydrated, failed: s.failed, skipped: s.skipped, deferred: s.deferred, bytes: s.bytes, ms: s.durationMs };
}
