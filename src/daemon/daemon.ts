import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfig, type Config } from '../config/config.js';
import type { AgentPaths } from '../config/paths.js';
import { describeError } from '../errors.js';
import { Hydrator } from '../hydrate/hydrator.js';
import { Selection } from '../hydrate/selection.js';
import type { FileLog } from '../log/logger.js';
import { rotateIfLarge } from '../log/rotation.js';
import { Ledger, type Workspace } from '../store/ledger.js';
import { agentVersion } from '../version.js';
import { EditDetector, type Examined } from './edit-detector.js';
import { HydrationQueue, type Priority } from './hydration-queue.js';
import { acquireInstanceLock } from './instance-lock.js';
import type { DaemonRequest, DaemonStatus } from './protocol.js';
import { daemonPaths, type Announcement, type DaemonPaths } from './runtime-paths.js';
import { SocketServer } from './socket-server.js';
import { WorkspaceWatcher } from './workspace-watcher.js';

/**
 * The per-user daemon: watches every workspace the ledger knows for local edits and deletions,
 * hydrates in the background by the user's rules, and answers the CLI over a Unix socket. It is
 * optional: the altsync agent and the CLI work from the ledger without it.
 */
const DISCOVERY_MS = 5000;
const ROTATION_MS = 60_000;

export class Daemon {
  private config: Config;
  private readonly startedAt = Date.now();
  private readonly ledger: Ledger;
  private readonly detector: EditDetector;
  private readonly queue: HydrationQueue;
  private readonly watchers = new Map<number, WorkspaceWatcher>();
  private readonly timers: NodeJS.Timeout[] = [];
  private server: SocketServer | undefined;
  private lock: { release(): void } | undefined;
  private hydrator: Hydrator | undefined;
  private readonly contentChecks: Examined['toCheck'] = [];
  private prefetchTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private lastError: { message: string; at: number } | null = null;
  private stopping: Promise<void> | undefined;
  /** Aborted by stop(): long reconciliations end between pages. */
  private readonly halt = new AbortController();
  private markStopped: () => void = () => {};
  /** Resolves when the daemon has stopped (by `stop`, SIGTERM or SIGINT). */
  readonly stopped: Promise<void> = new Promise((resolve) => (this.markStopped = resolve));
  readonly runtime: DaemonPaths;

  private constructor(
    private readonly paths: AgentPaths,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: FileLog,
    config: Config,
  ) {
    this.config = config;
    this.runtime = daemonPaths(paths, env);
    this.ledger = Ledger.open(paths.ledger, { busyTimeoutMs: config.ledger.busyTimeoutMs });
    this.ledger.checkpointInBackground(log);
    this.detector = new EditDetector(this.ledger, log);
    this.queue = new HydrationQueue(this.ledger, () => this.hydratorInstance(), this.queueOptions(), log);
  }

  static async start(paths: AgentPaths, env: NodeJS.ProcessEnv, log: FileLog): Promise<Daemon> {
    const config = loadConfig(paths.config);
    const runtime = daemonPaths(paths, env);
    const lock = await acquireInstanceLock(runtime.lockName);
    let daemon: Daemon | undefined;
    try {
      daemon = new Daemon(paths, env, log, config);
      daemon.lock = lock;
      await daemon.begin();
      return daemon;
    } catch (err) {
      await daemon?.stop();
      lock.release();
      throw err;
    }
  }

  private async begin(): Promise<void> {
    this.server = new SocketServer(this.runtime.socket, (req) => this.handle(req), this.log);
    await this.server.listen();
    announce(this.runtime, { pid: process.pid, socket: this.runtime.socket });
    this.queue.start();
    await this.discoverWorkspaces();
    this.timers.push(setInterval(() => void this.discoverWorkspaces(), DISCOVERY_MS));
    this.timers.push(setInterval(() => this.rotateLog(), ROTATION_MS));
    this.scheduleRescan();
    this.schedulePrefetch(0);
    this.log.info({ socket: this.runtime.socket, version: agentVersion() }, 'daemon started');
    notifySystemd(this.log, 'READY=1', `STATUS=watching ${this.watchers.size} workspace(s)`);
  }

  /** Graceful stop: no new work; the file being installed finishes, the rest stays placeholders. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.halt.abort();
      notifySystemd(this.log, 'STOPPING=1');
      this.log.info({}, 'daemon stopping');
      for (const t of this.timers) clearInterval(t);
      if (this.prefetchTimer) clearTimeout(this.prefetchTimer);
      if (this.rescanTimer) clearTimeout(this.rescanTimer);
      await this.server?.close();
      await this.queue.stop();
      await Promise.all([...this.watchers.values()].map((w) => w.close()));
      this.hydrator?.close();
      this.ledger.close();
      try {
        unlinkSync(this.runtime.announceFile);
      } catch {
        // not written
      }
      this.lock?.release();
      this.log.info({}, 'daemon stopped');
      this.markStopped();
    })();
    return this.stopping;
  }

  /** SIGHUP: reread the configuration; a broken file keeps the previous one running (and says why). */
  reload(): { reloaded: true } | { reloaded: false; error: string } {
    const before = this.config;
    try {
      this.config = loadConfig(this.paths.config);
    } catch (err) {
      const error = `${RELOAD_FAILED}${describeError(err)}`;
      this.noteError(error);
      return { reloaded: false, error };
    }
    if (this.lastError?.message.startsWith(RELOAD_FAILED)) this.lastError = null; // fixed now
    this.hydrator?.close();
    this.hydrator = undefined;
    this.queue.configure(this.queueOptions());
    this.log.info({ file: this.paths.config }, 'configuration reloaded');
    const watching = (d: Config['daemon']) => JSON.stringify([d.watch, d.pollPaths, d.pollIntervalMs]);
    // Watchers start over when how they watch changed; discovery then starts what is wanted.
    if (watching(before.daemon) !== watching(this.config.daemon)) void this.unwatchAll().then(() => this.discoverWorkspaces());
    this.schedulePrefetch(0);
    this.scheduleRescan();
    return { reloaded: true };
  }

  status(): DaemonStatus {
    return {
      pid: process.pid,
      version: agentVersion(),
      startedAt: this.startedAt,
      paused: this.queue.paused,
      queue: this.queue.counts(),
      breaker: this.queue.breaker(),
      watchers: [...this.watchers.values()].map((w) => ({
        client: w.ws.client,
        port: w.ws.port,
        root: w.ws.root,
        mode: w.mode,
        error: w.error,
        events: w.events,
        directories: w.watchedDirectories,
      })),
      lastError: this.lastError,
    };
  }

  private async handle(req: DaemonRequest): Promise<unknown> {
    switch (req.method) {
      case 'ping':
        return { pid: process.pid, version: agentVersion(), startedAt: this.startedAt };
      case 'status':
        return this.status();
      case 'hydrate':
        return { queued: this.enqueueTargets(req.params.targets, req.params.cwd, 'explicit') };
      case 'pause':
        this.queue.setPaused(true);
        return { paused: true };
      case 'resume':
        this.queue.setPaused(false);
        return { paused: false };
      case 'reload':
        return this.reload();
      case 'stop':
        setImmediate(() => void this.stop());
        return { stopping: true };
    }
  }

  private enqueueTargets(targets: readonly string[], cwd: string, priority: Priority, workspaces?: Workspace[]): number {
    const selection = Selection.resolve(this.ledger, targets, cwd, workspaces);
    let queued = 0;
    for (const page of selection.pages((r) => r.state === 'placeholder')) {
      queued += this.queue.enqueue(
        page.map((s) => ({ wsId: s.ws.id, rel: s.rec.rel })),
        priority,
      );
    }
    return queued;
  }

  /** New workspaces (registered by an agent's check) get a watcher and a reconciliation pass. */
  private async discoverWorkspaces(): Promise<void> {
    if (this.stopping) return;
    const known = this.ledger.workspaces();
    for (const [id, watcher] of this.watchers) {
      if (known.some((ws) => ws.id === id)) continue;
      this.watchers.delete(id); // forgotten
      await watcher.close();
    }
    for (const ws of known) {
      const current = this.watchers.get(ws.id);
      if (current && current.ws.root === ws.root) continue;
      await current?.close();
      await this.watch(ws);
    }
  }

  private async unwatchAll(): Promise<void> {
    const all = [...this.watchers.values()];
    this.watchers.clear();
    await Promise.all(all.map((w) => w.close()));
  }

  private async watch(ws: Workspace): Promise<void> {
    if (!this.config.daemon.watch) return;
    const polling = this.config.daemon.pollPaths.some((p) => ws.root === p || ws.root.startsWith(`${p}/`));
    const watcher = new WorkspaceWatcher(
      ws,
      { polling, pollIntervalMs: this.config.daemon.pollIntervalMs, settleMs: 100, maxWaitMs: 1000 },
      (w, rels, dirs) => void this.onChanges(w, rels, dirs),
      this.log,
    );
    this.watchers.set(ws.id, watcher);
    try {
      await watcher.start();
    } catch (err) {
      watcher.mode = 'error';
      watcher.error = describeError(err);
      this.noteError(`cannot watch ${ws.root}: ${watcher.error}`);
      return;
    }
    // Catch up with whatever happened while nobody watched: one lstat per tracked file, no reads.
    const r = await this.detector.reconcile(ws, '', this.halt.signal);
    this.afterExamine(r);
    this.log.info(
      { client: ws.client, root: ws.root, mode: watcher.mode, directories: watcher.watchedDirectories, ...countsOf(r) },
      'watching workspace',
    );
  }

  private async onChanges(ws: Workspace, rels: string[], dirs: string[]): Promise<void> {
    try {
      const r = this.detector.examine(ws, rels);
      // A directory that appeared, vanished or moved: every tracked file below it gets a look.
      for (const dir of dirs) {
        const d = await this.detector.reconcile(ws, dir, this.halt.signal);
        r.deleted += d.deleted;
        r.edited += d.edited;
        r.returned += d.returned;
        r.toCheck.push(...d.toCheck);
      }
      this.afterExamine(r);
      // New placeholders (a sync) may match pin and prefetch rules.
      if (dirs.length > 0 || rels.length > r.edited + r.deleted + r.returned) this.schedulePrefetch(2000);
    } catch (err) {
      if (!this.stopping) this.noteError(`applying local changes in ${ws.root} failed: ${describeError(err)}`);
    }
  }

  /** Files that may hold their recorded revision again are read and checked, a few at a time. */
  private afterExamine(r: Examined): void {
    if (r.edited || r.deleted || r.returned) this.log.info(countsOf(r), 'local changes recorded');
    const idle = this.contentChecks.length === 0;
    this.contentChecks.push(...r.toCheck);
    if (idle && this.contentChecks.length > 0) setImmediate(() => this.drainContentChecks());
  }

  private drainContentChecks(): void {
    for (let i = 0; i < 20 && this.contentChecks.length > 0 && !this.stopping; i++) {
      const { ws, rec } = this.contentChecks.shift()!;
      try {
        this.detector.checkContent(ws, rec);
      } catch (err) {
        this.log.warn({ path: rec.rel, err: describeError(err) }, 'content check failed');
      }
    }
    if (this.contentChecks.length > 0 && !this.stopping) setImmediate(() => this.drainContentChecks());
  }

  /**
   * The safety net for events inotify dropped, and the only edit detection when daemon.watch is
   * off: every workspace compared with the disk, one lstat per tracked file.
   */
  private scheduleRescan(): void {
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    const everySec = this.config.daemon.rescanIntervalSec;
    if (everySec === 0 || this.stopping) return;
    this.rescanTimer = setTimeout(() => void this.rescan(), everySec * 1000);
  }

  private async rescan(): Promise<void> {
    for (const ws of this.ledger.workspaces()) {
      if (this.stopping) return;
      try {
        const r = await this.detector.reconcile(ws, '', this.halt.signal);
        const watched = this.watchers.has(ws.id);
        if (r.edited || r.deleted || r.returned) {
          this.log[watched ? 'warn' : 'info'](
            { root: ws.root, ...countsOf(r) },
            watched ? 'rescan found changes the watcher missed' : 'rescan found local changes',
          );
        }
        this.afterExamine(r);
      } catch (err) {
        if (!this.stopping) this.noteError(`rescanning ${ws.root} failed: ${describeError(err)}`);
      }
    }
    this.scheduleRescan();
  }

  private schedulePrefetch(delayMs: number): void {
    if (this.stopping) return;
    if (this.prefetchTimer) clearTimeout(this.prefetchTimer);
    this.prefetchTimer = setTimeout(() => {
      this.prefetchTimer = undefined;
      this.applyRules();
      this.schedulePrefetch(this.config.daemon.prefetchIntervalSec * 1000);
    }, delayMs);
  }

  /** Pins and prefetch rules of the configuration, matched against each workspace's placeholders. */
  private applyRules(): void {
    for (const [client, rules] of Object.entries(this.config.workspaces)) {
      const matching = this.ledger.workspaces().filter((ws) => ws.client === client && (!rules.port || rules.port === ws.port));
      for (const ws of matching) {
        for (const [patterns, priority] of [
          [rules.pin, 'pinned'],
          [rules.prefetch, 'prefetch'],
        ] as const) {
          if (patterns.length === 0) continue;
          try {
            const queued = this.enqueueTargets(patterns, ws.root, priority, [ws]);
            if (queued > 0) this.log.info({ client, priority, queued }, 'rule matched placeholders');
          } catch (err) {
            this.noteError(`rule for ${client} cannot be applied: ${describeError(err)}`);
          }
        }
      }
    }
  }

  private hydratorInstance(): Hydrator {
    return (this.hydrator ??= new Hydrator({ ledger: this.ledger, config: this.config, paths: this.paths, log: this.log, env: this.env }));
  }

  private queueOptions() {
    const d = this.config.daemon;
    return { batchFiles: d.batchFiles, breakerFailures: d.breakerFailures, breakerCooldownMs: d.breakerCooldownSec * 1000 };
  }

  private rotateLog(): void {
    try {
      if (rotateIfLarge(this.paths.agentLog, this.config.log.maxBytes, this.config.log.keep)) this.log.reopen();
      // Where the launcher sends what an agent's Node itself prints (warnings, a crash).
      rotateIfLarge(join(this.paths.logDir, 'stderr.log'), this.config.log.maxBytes, this.config.log.keep);
    } catch (err) {
      this.noteError(`log rotation failed: ${describeError(err)}`);
    }
  }

  private noteError(message: string): void {
    this.lastError = { message, at: Date.now() };
    this.log.error({}, message);
  }
}

const RELOAD_FAILED = 'configuration not reloaded: ';

/** Written whole (rename) so a client never reads half an announcement. */
function announce(runtime: DaemonPaths, a: Announcement): void {
  mkdirSync(dirname(runtime.announceFile), { recursive: true, mode: 0o700 });
  const tmp = `${runtime.announceFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(a)}\n`, { mode: 0o600 });
  renameSync(tmp, runtime.announceFile);
}

/** Tells systemd (Type=notify, NotifyAccess=all) about readiness; nothing outside systemd. */
function notifySystemd(log: FileLog, ...lines: string[]): void {
  if (!process.env['NOTIFY_SOCKET']) return;
  const r = spawnSync('systemd-notify', lines, { stdio: 'ignore', timeout: 5000 });
  if (r.error || r.status !== 0) log.warn({ err: r.error?.message, status: r.status }, 'systemd-notify failed');
}

function countsOf(r: Examined): { edited: number; deleted: number; returned: number } {
  return { edited: r.edited, deleted: r.deleted, returned: r.returned };
}
