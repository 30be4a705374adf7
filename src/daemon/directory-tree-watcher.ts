import { watch, type FSWatcher, type Dirent } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { lstatOrUndefined } from '../fs/stat-signature.js';

/**
 * inotify on every directory of a tree, and only on directories: one watch reports what happens to
 * every entry in it (create, write, chmod, delete, rename), so a million files in ten thousand
 * directories take ten thousand watches, not a million (chokidar watches each file as well, and
 * would exhaust fs.inotify.max_user_watches). Every event is passed on, none is throttled or
 * filtered by mtime: a chmod followed by a write must not lose the write (chokidar drops events
 * that follow another on the same file within 5 ms). docs/architecture.md has the measurements.
 */
export interface TreeEvents {
  /** Something happened to this path (a file, or a name whose kind is unknown). */
  readonly onPath: (abs: string) => void;
  /** A directory appeared or vanished (created, deleted, renamed): everything below may differ. */
  readonly onDirectory: (abs: string) => void;
  /** The watch could not be kept (ENOSPC: the per-user watch limit; EMFILE; the root vanished). */
  readonly onError: (err: Error) => void;
}

export class DirectoryTreeWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private closed = false;

  constructor(
    private readonly root: string,
    private readonly events: TreeEvents,
    private readonly ignoreName: (name: string) => boolean,
  ) {}

  /** Watches every directory below the root; resolves once all are watched. Throws ENOSPC and the like. */
  async start(): Promise<void> {
    await this.watchTree(this.root);
  }

  get directories(): number {
    return this.watchers.size;
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /** Watches dir and, breadth first, every directory below it (symlinks are not followed). */
  private async watchTree(top: string): Promise<void> {
    const queue = [top];
    for (let next = 0; next < queue.length && !this.closed; next++) {
      const dir = queue[next]!;
      if (this.watchers.has(dir)) continue;
      if (!this.watchOne(dir)) continue;
      let entries: Dirent[];
      try {
        entries = [];
        for await (const e of await opendir(dir, { bufferSize: 256 })) entries.push(e);
      } catch (err) {
        if (isGone(err)) continue; // removed while we looked: its parent's watch reports that
        throw err;
      }
      for (const e of entries) if (e.isDirectory() && !this.ignoreName(e.name)) queue.push(join(dir, e.name));
    }
  }

  /** False when the directory is already gone. */
  private watchOne(dir: string): boolean {
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: true }, (_type, name) => this.onEvent(dir, name));
    } catch (err) {
      if (isGone(err)) return false;
      throw Object.assign(err as Error, { message: `cannot watch ${dir}: ${(err as Error).message}` });
    }
    w.on('error', (err) => {
      // The directory itself went away (its parent reports it too) or the watch broke: drop it.
      this.unwatch(dir);
      if (this.closed) return;
      if (!isGone(err)) this.events.onError(err);
      else if (dir === this.root) this.events.onError(new Error(`the workspace root ${dir} is gone`));
    });
    this.watchers.set(dir, w);
    return true;
  }

  private onEvent(dir: string, name: string | Buffer | null): void {
    if (this.closed) return;
    if (name === null) {
      // The kernel did not say which entry (rare): treat the whole directory as changed.
      this.events.onDirectory(dir);
      return;
    }
    const entry = typeof name === 'string' ? name : name.toString('utf8');
    if (this.ignoreName(entry)) return;
    const abs = join(dir, entry);
    if (this.watchers.has(abs)) {
      // A watched directory was renamed or removed, or changed mode: look again below it.
      if (!lstatOrUndefined(abs)?.isDirectory()) this.unwatchTree(abs);
      this.events.onDirectory(abs);
      return;
    }
    const st = lstatOrUndefined(abs);
    if (st?.isDirectory()) {
      // A new directory (mkdir, or one moved in): watch it first, then report it, so that nothing
      // written into it after the report goes unseen.
      this.watchTree(abs).then(
        () => this.events.onDirectory(abs),
        (err: Error) => this.events.onError(err),
      );
      return;
    }
    this.events.onPath(abs);
  }

  private unwatch(dir: string): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
  }

  private unwatchTree(dir: string): void {
    const prefix = `${dir}/`;
    for (const d of [...this.watchers.keys()]) if (d === dir || d.startsWith(prefix)) this.unwatch(d);
  }
}

function isGone(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
