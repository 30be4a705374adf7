import { watch, type FSWatcher } from 'chokidar';
import { basename } from 'node:path';
import { describeError } from '../errors.js';
import { isTempName } from '../fs/temp-file.js';
import type { Log } from '../log/logger.js';
import type { Workspace } from '../store/ledger.js';

/**
 * Watches one workspace root and reports which paths changed, coalesced: a build or a checkout
 * that rewrites thousands of files becomes a few batches, not thousands of ledger transactions.
 * inotify by default; polling where configured (network filesystems) or when inotify fails (its
 * watch limit is per user), so a workspace is never silently unwatched.
 */
export interface WatchOptions {
  readonly polling: boolean;
  readonly pollIntervalMs: number;
  /** Quiet time after the last event before a batch is reported, and the longest a batch waits. */
  readonly settleMs: number;
  readonly maxWaitMs: number;
}

export type WatchMode = 'inotify' | 'polling' | 'error';

export class WorkspaceWatcher {
  private watcher: FSWatcher | undefined;
  private pending = new Set<string>();
  private goneDirs = new Set<string>();
  private settleTimer: NodeJS.Timeout | undefined;
  private firstPendingAt = 0;
  mode: WatchMode;
  error: string | null = null;
  events = 0;

  constructor(
    readonly ws: Workspace,
    private readonly options: WatchOptions,
    private readonly onBatch: (ws: Workspace, rels: string[], goneDirs: string[]) => void,
    private readonly log: Log,
  ) {
    this.mode = options.polling ? 'polling' : 'inotify';
  }

  async start(): Promise<void> {
    const polling = this.mode === 'polling';
    const watcher = watch(this.ws.root, {
      ignoreInitial: true,
      persistent: true,
      followSymlinks: false,
      usePolling: polling,
      interval: this.options.pollIntervalMs,
      binaryInterval: this.options.pollIntervalMs,
      atomic: true,
      // Placeholders are mode 000 (placeholders.mode "unreadable"): chokidar would skip them.
      ignorePermissionErrors: true,
      ignored: (path: string) => isTempName(basename(path)),
    });
    this.watcher = watcher;
    const onPath = (path: string) => this.note(path, false);
    watcher.on('add', onPath).on('change', onPath).on('unlink', onPath);
    watcher.on('unlinkDir', (path: string) => this.note(path, true));
    watcher.on('error', (err: unknown) => void this.failed(err));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  async close(): Promise<void> {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    await this.watcher?.close();
    this.watcher = undefined;
  }

  private note(path: string, isDir: boolean): void {
    const rel = this.relative(path);
    if (rel === undefined) return;
    this.events++;
    (isDir ? this.goneDirs : this.pending).add(rel);
    const now = Date.now();
    if (this.firstPendingAt === 0) this.firstPendingAt = now;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    const wait = now - this.firstPendingAt >= this.options.maxWaitMs ? 0 : this.options.settleMs;
    this.settleTimer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.settleTimer = undefined;
    this.firstPendingAt = 0;
    const rels = [...this.pending];
    const dirs = [...this.goneDirs];
    this.pending = new Set();
    this.goneDirs = new Set();
    if (rels.length > 0 || dirs.length > 0) this.onBatch(this.ws, rels, dirs);
  }

  private relative(path: string): string | undefined {
    const prefix = this.ws.root === '/' ? '/' : `${this.ws.root}/`;
    return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
  }

  /** inotify can fail (ENOSPC: the per-user watch limit); fall back to polling rather than go blind. */
  private async failed(err: unknown): Promise<void> {
    this.error = describeError(err);
    this.log.warn({ root: this.ws.root, err: this.error, mode: this.mode }, 'workspace watcher error');
    if (this.mode !== 'inotify') {
      this.mode = 'error';
      return;
    }
    await this.close();
    this.mode = 'polling';
    try {
      await this.start();
      this.log.warn({ root: this.ws.root }, 'watching this workspace by polling from now on');
    } catch (again) {
      this.mode = 'error';
      this.error = describeError(again);
    }
  }
}
