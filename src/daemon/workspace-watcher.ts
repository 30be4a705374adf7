import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import { basename } from 'node:path';
import { describeError } from '../errors.js';
import { isTempName } from '../fs/temp-file.js';
import type { Log } from '../log/logger.js';
import type { Workspace } from '../store/ledger.js';
import { DirectoryTreeWatcher } from './directory-tree-watcher.js';

/**
 * Watches one workspace root and reports which paths changed, coalesced: a build or a checkout
 * that rewrites thousands of files becomes a few batches, not thousands of ledger transactions.
 * inotify on directories by default (directory-tree-watcher.ts); chokidar's stat polling where
 * configured (network filesystems, where inotify sees only this machine's writes) or when inotify
 * fails (its watch limit is per user), so a workspace is never silently unwatched.
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
  private tree: DirectoryTreeWatcher | undefined;
  private poller: FSWatcher | undefined;
  private pending = new Set<string>();
  private dirs = new Set<string>();
  private settleTimer: NodeJS.Timeout | undefined;
  private firstPendingAt = 0;
  mode: WatchMode;
  error: string | null = null;
  events = 0;

  constructor(
    readonly ws: Workspace,
    private readonly options: WatchOptions,
    /** rels: paths that changed; dirs: directories whose every tracked file needs a look. */
    private readonly onBatch: (ws: Workspace, rels: string[], dirs: string[]) => void,
    private readonly log: Log,
  ) {
    this.mode = options.polling ? 'polling' : 'inotify';
  }

  async start(): Promise<void> {
    if (this.mode === 'polling') {
      await this.startPolling();
      return;
    }
    const tree = new DirectoryTreeWatcher(
      this.ws.root,
      {
        onPath: (abs) => this.note(abs, false),
        onDirectory: (abs) => this.note(abs, true),
        onError: (err) => void this.failed(err),
      },
      isTempName,
    );
    this.tree = tree;
    try {
      await tree.start();
    } catch (err) {
      tree.close();
      this.tree = undefined;
      await this.failed(err);
    }
  }

  /** Directories under inotify watch (0 when polling). */
  get watchedDirectories(): number {
    return this.tree?.directories ?? 0;
  }

  async close(): Promise<void> {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.tree?.close();
    this.tree = undefined;
    await this.poller?.close();
    this.poller = undefined;
  }

  private async startPolling(): Promise<void> {
    const poller = chokidarWatch(this.ws.root, {
      ignoreInitial: true,
      persistent: true,
      followSymlinks: false,
      usePolling: true,
      interval: this.options.pollIntervalMs,
      binaryInterval: this.options.pollIntervalMs,
      // Placeholders are mode 000 (placeholders.mode "unreadable"): chokidar would skip them.
      ignorePermissionErrors: true,
      ignored: (path: string) => isTempName(basename(path)),
    });
    this.poller = poller;
    const onPath = (path: string) => this.note(path, false);
    poller.on('add', onPath).on('change', onPath).on('unlink', onPath);
    poller.on('addDir', (path: string) => this.note(path, true)).on('unlinkDir', (path: string) => this.note(path, true));
    poller.on('error', (err: unknown) => void this.failed(err));
    await new Promise<void>((resolve) => poller.once('ready', () => resolve()));
  }

  private note(path: string, isDir: boolean): void {
    const rel = this.relative(path);
    if (rel === undefined) return;
    this.events++;
    // A directory's own path is looked at too: it may have taken the place of a tracked file.
    this.pending.add(rel);
    if (isDir) this.dirs.add(rel);
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
    const dirs = [...this.dirs];
    this.pending = new Set();
    this.dirs = new Set();
    if (rels.length > 0 || dirs.length > 0) this.onBatch(this.ws, rels, dirs);
  }

  /** The path relative to the root; '' for the root itself; undefined outside it. */
  private relative(path: string): string | undefined {
    if (path === this.ws.root) return '';
    const prefix = this.ws.root === '/' ? '/' : `${this.ws.root}/`;
    return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
  }

  /** inotify can fail (ENOSPC: the per-user watch limit); fall back to polling rather than go blind. */
  private async failed(err: unknown): Promise<void> {
    this.error = describeError(err);
    const limit = /ENOSPC/.test(this.error) ? ' (raise fs.inotify.max_user_watches, see docs/user-guide.md)' : '';
    this.log.warn({ root: this.ws.root, err: this.error, mode: this.mode }, `workspace watcher error${limit}`);
    if (this.mode !== 'inotify') {
      this.mode = 'error';
      return;
    }
    await this.close();
    this.mode = 'polling';
    this.error = `${this.error}${limit}; polling instead`;
    try {
      await this.startPolling();
      this.log.warn({ root: this.ws.root }, 'watching this workspace by polling from now on');
    } catch (again) {
      this.mode = 'error';
      this.error = describeError(again);
    }
  }
}
