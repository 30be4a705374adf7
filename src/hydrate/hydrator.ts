import type { Config } from '../config/config.js';
import type { AgentPaths } from '../config/paths.js';
import { O4Error, describeError } from '../errors.js';
import { lstatOrUndefined, statSignature } from '../fs/stat-signature.js';
import { joinRoot } from '../fs/workspace-path.js';
import type { Log } from '../log/logger.js';
import { P4Runner } from '../p4/runner.js';
import type { FileRecord, Ledger, Workspace } from '../store/ledger.js';
import { planFor } from './content-plan.js';
import { ContentStore } from './content-store.js';
import { CopyPool } from './copy-pool.js';
import { Installer, type HydrationSource, type HydrationTarget, type InstallOutcome, type PreparedInstall } from './installer.js';
import { LocalSources } from './local-sources.js';
import { ServerSource } from './server-source.js';
import { StoreWriter } from './store-writer.js';
import { Verifier } from './verifier.js';

/**
 * Fills placeholders with exactly the bytes a normal sync would have written: from the local
 * content store, a sibling workspace or a seeded directory when one holds verified content, from
 * the server otherwise. Every file is verified before it replaces its placeholder; a file that
 * fails keeps its placeholder and its ledger row as they were.
 */
export type FileOutcome = 'hydrated' | 'skipped' | 'failed' | 'cancelled' | 'deferred';

export interface FileResult {
  readonly path: string;
  readonly client: string;
  readonly depotFile: string;
  readonly rev: number;
  readonly outcome: FileOutcome;
  readonly source?: HydrationSource;
  readonly bytes?: number;
  readonly reason?: string;
  readonly code?: string;
}

export interface HydrationSummary {
  readonly requested: number;
  readonly hydrated: number;
  readonly skipped: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Needed the server while server fetches were not allowed (the daemon's circuit breaker). */
  readonly deferred: number;
  readonly bytes: number;
  readonly bySource: Readonly<Record<HydrationSource, { files: number; bytes: number }>>;
  readonly durationMs: number;
  readonly failures: readonly FileResult[];
}

export interface HydrateOptions {
  readonly signal?: AbortSignal | undefined;
  /** Each file as it is done. */
  readonly onResult?: ((r: FileResult) => void) | undefined;
  /** False: use local sources only; what needs the server is reported `deferred`. */
  readonly allowServer?: boolean;
}

export interface HydratorDeps {
  readonly ledger: Ledger;
  readonly config: Config;
  readonly paths: AgentPaths;
  readonly log: Log;
  readonly env: NodeJS.ProcessEnv;
}

/** Installs prepared from local sources are committed this many at a time, in one transaction. */
const COMMIT_BATCH = 64;
/** Local copies prepared concurrently (they only overlap when copy workers run them). */
const LOCAL_WINDOW = 128;

export class Hydrator {
  private readonly store: ContentStore;
  private readonly installer: Installer;
  private readonly verifier: Verifier;
  private readonly local: LocalSources;
  private readonly server: ServerSource;
  private readonly copier: CopyPool;

  constructor(private readonly deps: HydratorDeps) {
    const { config, paths, log, ledger, env } = deps;
    this.store = ContentStore.open({
      dir: config.store.dir || paths.storeDir,
      maxBytes: config.store.maxBytes,
      shared: config.store.shared,
      busyTimeoutMs: config.ledger.busyTimeoutMs,
      log,
    });
    const verifier = (this.verifier = new Verifier(ledger));
    this.copier = new CopyPool(CopyPool.threadsFor(config.hydrate.copyThreads), log);
    this.installer = new Installer(ledger, verifier, this.copier);
    const storeWriter = new StoreWriter(this.store, log);
    this.local = new LocalSources({ ledger, store: this.store, installer: this.installer, verifier, log, ...config.hydrate });
    const runner = new P4Runner({
      p4Path: env['O4_AGENT_P4'] || config.p4.path,
      idleTimeoutMs: config.p4.idleTimeoutSec * 1000,
      cwd: paths.home,
      env,
      log,
    });
    this.server = new ServerSource(runner, this.store, storeWriter, this.installer, verifier, config.p4, log);
  }

  static target(ws: Workspace, rec: FileRecord, bits?: { writable: boolean; executable: boolean }): HydrationTarget {
    return { ws, rec, abs: joinRoot(ws.root, rec.rel), plan: planFor(rec), ...(bits && { bits }) };
  }

  async hydrate(targets: readonly HydrationTarget[], opts: HydrateOptions = {}): Promise<HydrationSummary> {
    const started = Date.now();
    const tally = new Tally(targets.length);
    const report = (t: HydrationTarget, r: Omit<FileResult, 'path' | 'client' | 'depotFile' | 'rev'>) => {
      const result: FileResult = { path: t.abs, client: t.ws.client, depotFile: t.rec.depotFile, rev: t.rec.rev, ...r };
      tally.add(result);
      this.recordError(t, result);
      opts.onResult?.(result);
    };

    const reportOutcome = (t: HydrationTarget, o: InstallOutcome) =>
      report(t, o.outcome === 'hydrated' ? o : { outcome: o.outcome, reason: o.error.message, code: o.error.code });

    // Local sources first; their installs are committed in batches.
    const prepared: PreparedInstall[] = [];
    const commit = () => {
      this.installer.commit(prepared).forEach((o, i) => reportOutcome(prepared[i]!.t, o));
      prepared.length = 0;
    };
    // Many copies in flight at once, so that copy workers always have a batch to work on.
    this.local.plan(targets);
    const needServer = new Set<HydrationTarget>();
    const inFlight = new Set<Promise<void>>();
    for (const t of targets) {
      if (opts.signal?.aborted) break;
      if (t.rec.state !== 'placeholder') {
        report(t, { outcome: 'skipped', reason: `already ${t.rec.state}` });
        continue;
      }
      const done: Promise<void> = this.local.prepare(t).then(
        (p) => {
          if (!p) needServer.add(t);
          else if (prepared.push(p) >= COMMIT_BATCH) commit();
        },
        (err: unknown) => report(t, failure(err)),
      );
      inFlight.add(done);
      void done.then(() => inFlight.delete(done));
      if (inFlight.size >= LOCAL_WINDOW) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    commit();
    const forServer = targets.filter((t) => needServer.has(t)); // in the order asked

    // Then the server, for placeholders still exactly as the agent wrote them.
    const fetchable = forServer.filter((t) => {
      const stale = whyNotPlaceholder(t);
      if (stale) report(t, { outcome: 'skipped', reason: stale });
      return !stale;
    });
    if (opts.allowServer === false) {
      for (const t of fetchable) report(t, { outcome: 'deferred', reason: 'server fetches are paused' });
    } else if (fetchable.length > 0 && !opts.signal?.aborted) {
      try {
        await this.server.fetch(fetchable, reportOutcome, opts.signal);
      } catch (err) {
        if (!(err instanceof O4Error && err.code === 'CANCELLED')) throw err;
      }
    }
    for (const t of targets) {
      if (!tally.has(t.abs)) report(t, { outcome: 'cancelled', reason: 'interrupted before it was hydrated' });
    }
    return tally.summary(Date.now() - started);
  }

  close(): void {
    void this.copier.close();
    this.store.close();
    this.deps.ledger.write(() => this.verifier.flushLearned());
  }

  private recordError(t: HydrationTarget, r: FileResult): void {
    if (r.outcome !== 'failed') return; // a hydration clears the error itself (Ledger.recordHydrated)
    try {
      this.deps.ledger.setLastError(t.rec.workspaceId, t.rec.rel, r.reason ?? 'failed');
    } catch (err) {
      this.deps.log.warn({ path: t.abs, err: describeError(err) }, 'could not record the hydration outcome in the ledger');
    }
  }
}

/** Why a target is no longer the placeholder the agent wrote, or undefined if it still is. */
function whyNotPlaceholder(t: HydrationTarget): string | undefined {
  const st = lstatOrUndefined(t.abs);
  if (!st) return 'missing on disk';
  if (statSignature(st) !== t.rec.statSig) return 'changed locally since the placeholder was written; left as it is';
  return undefined;
}

function failure(err: unknown): Omit<FileResult, 'path' | 'client' | 'depotFile' | 'rev'> {
  if (err instanceof O4Error && err.code === 'MODIFIED') return { outcome: 'skipped', reason: err.message, code: err.code };
  if (err instanceof O4Error) return { outcome: 'failed', reason: err.message, code: err.code };
  return { outcome: 'failed', reason: describeError(err), code: 'IO' };
}

class Tally {
  private readonly seen = new Set<string>();
  private readonly failures: FileResult[] = [];
  private readonly counts = { hydrated: 0, skipped: 0, failed: 0, cancelled: 0, deferred: 0, bytes: 0 };
  private readonly bySource: Record<HydrationSource, { files: number; bytes: number }> = {
    store: { files: 0, bytes: 0 },
    sibling: { files: 0, bytes: 0 },
    seed: { files: 0, bytes: 0 },
    server: { files: 0, bytes: 0 },
  };

  constructor(private readonly requested: number) {}

  has(path: string): boolean {
    return this.seen.has(path);
  }

  add(r: FileResult): void {
    this.seen.add(r.path);
    this.counts[r.outcome]++;
    if (r.outcome === 'failed') this.failures.push(r);
    if (r.outcome === 'hydrated' && r.source) {
      this.bySource[r.source].files++;
      this.bySource[r.source].bytes += r.bytes ?? 0;
      this.counts.bytes += r.bytes ?? 0;
    }
  }

  summary(durationMs: number): HydrationSummary {
    return { requested: this.requested, ...this.counts, bySource: this.bySource, durationMs, failures: this.failures };
  }
}
