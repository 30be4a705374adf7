import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { O4Error, describeError, errnoCode, ioError } from '../errors.js';
import type { Log } from '../log/logger.js';

/**
 * The local content store: every verified revision's stored form (the bytes the server digest is
 * the MD5 of), keyed by that digest. The digest alone is the key on purpose: the stored form of a
 * `text` and a `binary` revision with the same digest are the same bytes, so any file type can
 * reuse them; the type only decides the transform to the client form (content-plan.ts).
 *
 * Layout: `<dir>/objects/<first two hex digits>/<digest>` plus `<dir>/index.sqlite`, which records
 * size and last use for least-recently-used eviction. The index lives with the objects so that one
 * directory can serve several users (`store.shared`); entries are read-only files.
 */
export interface StoreEntry {
  readonly digest: string;
  readonly path: string;
  readonly size: number;
}

export interface ContentStoreOptions {
  readonly dir: string;
  readonly maxBytes: number;
  /** Group-writable directories for a store several users share. */
  readonly shared: boolean;
  /** How long to wait for another process holding the index (ledger.busyTimeoutMs). */
  readonly busyTimeoutMs: number;
  readonly log: Log;
}

/** Recently used entries are not evicted: a hydration may be about to install from them. */
const EVICTION_GRACE_MS = 10 * 60 * 1000;
/** Last-use times are refreshed at most this often, sparing a write for every hit. */
const TOUCH_GRANULARITY_MS = 60 * 1000;

let tempSequence = 0;

export class ContentStore {
  private readonly db: Database.Database;
  private readonly stmts: ReturnType<typeof statements>;
  /** Object subdirectories known to exist, sparing a mkdir per entry. */
  private readonly madeDirs = new Set<string>();
  /** Adopted objects whose index rows are not written yet. */
  private readonly unindexed = new Map<string, { size: number; at: number }>();

  private constructor(private readonly options: ContentStoreOptions) {
    const dirMode = options.shared ? 0o2775 : 0o700;
    try {
      mkdirSync(join(options.dir, 'objects'), { recursive: true, mode: dirMode });
      mkdirSync(join(options.dir, 'tmp'), { recursive: true, mode: dirMode });
      this.db = new Database(join(options.dir, 'index.sqlite'), { timeout: options.busyTimeoutMs });
      if (this.db.pragma('journal_mode', { simple: true }) !== 'wal') {
        if (options.shared) chmodSync(join(options.dir, 'index.sqlite'), 0o664);
        this.db.pragma('journal_mode = WAL');
      }
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
    } catch (err) {
      throw new O4Error('IO', `cannot open the content store at ${options.dir}: ${describeError(err)}`, { dir: options.dir }, { cause: err });
    }
    this.stmts = statements(this.db);
  }

  static open(options: ContentStoreOptions): ContentStore {
    return new ContentStore(options);
  }

  get dir(): string {
    return this.options.dir;
  }

  /**
   * The entry for a digest, if the store has it (its content is verified by the caller on use). An
   * object whose index row was never written (a crash before the batch was indexed) is indexed now.
   */
  lookup(digest: string): StoreEntry | undefined {
    const pending = this.unindexed.get(digest);
    if (pending) return { digest, path: this.objectPath(digest), size: pending.size };
    const row = this.stmts.get.get(digest) as { size: number; last_used_at: number } | undefined;
    const now = Date.now();
    if (!row) {
      const st = statSync(this.objectPath(digest), { throwIfNoEntry: false });
      if (!st?.isFile()) return undefined;
      this.stmts.upsert.run(digest, st.size, now, now);
      return { digest, path: this.objectPath(digest), size: st.size };
    }
    if (now - row.last_used_at > TOUCH_GRANULARITY_MS) this.stmts.touch.run(now, digest);
    return { digest, path: this.objectPath(digest), size: row.size };
  }

  /** A fresh temp path inside the store, on the same filesystem as the objects. */
  tempPath(): string {
    return join(this.options.dir, 'tmp', `${process.pid}.${++tempSequence}`);
  }

  /**
   * Takes a verified stored-form file (written at a tempPath()) into the store. Its index row is
   * written with the next flushIndex(), many in one transaction; until then lookup() sees it.
   */
  adopt(tmpPath: string, digest: string): StoreEntry {
    const dest = this.objectPath(digest);
    let size: number;
    try {
      const sub = digest.slice(0, 2);
      if (!this.madeDirs.has(sub)) {
        mkdirSync(join(this.options.dir, 'objects', sub), { recursive: true, mode: this.options.shared ? 0o2775 : 0o700 });
        this.madeDirs.add(sub);
      }
      chmodSync(tmpPath, this.options.shared ? 0o444 : 0o400);
      size = statSync(tmpPath).size;
      renameSync(tmpPath, dest);
    } catch (err) {
      throw ioError('add to the content store', dest, err);
    }
    this.unindexed.set(digest, { size, at: Date.now() });
    if (this.unindexed.size >= 256) this.flushIndex();
    return { digest, path: dest, size };
  }

  /** Indexes adopted entries in one transaction, then evicts if the store grew past its limit. */
  flushIndex(): void {
    if (this.unindexed.size === 0) return;
    const rows = [...this.unindexed];
    this.unindexed.clear();
    this.db.transaction(() => {
      for (const [digest, r] of rows) this.stmts.upsert.run(digest, r.size, r.at, r.at);
    })();
    if (this.totalBytes() > this.options.maxBytes) this.evict();
  }

  /** Drops an entry whose content did not match its digest. */
  discard(digest: string, reason: string): void {
    this.unindexed.delete(digest);
    this.options.log.warn({ digest, reason }, 'discarding a corrupt content-store entry');
    removeQuietly(this.objectPath(digest));
    this.stmts.delete.run(digest);
  }

  totalBytes(): number {
    return (this.stmts.total.get() as { bytes: number }).bytes;
  }

  stats(): { entries: number; bytes: number; maxBytes: number } {
    const row = this.stmts.total.get() as { entries: number; bytes: number };
    return { entries: row.entries, bytes: row.bytes, maxBytes: this.options.maxBytes };
  }

  /** Removes least-recently-used entries until the store is at 90% of its limit. */
  evict(): { removed: number; freedBytes: number } {
    const target = Math.floor(this.options.maxBytes * 0.9);
    let bytes = this.totalBytes();
    let removed = 0;
    let freedBytes = 0;
    const cutoff = Date.now() - EVICTION_GRACE_MS;
    while (bytes > target) {
      const batch = this.stmts.oldest.all(cutoff) as Array<{ digest: string; size: number }>;
      if (batch.length === 0) break; // everything left is in use right now
      for (const row of batch) {
        if (bytes <= target) break;
        removeQuietly(this.objectPath(row.digest));
        this.stmts.delete.run(row.digest);
        bytes -= row.size;
        freedBytes += row.size;
        removed++;
      }
    }
    if (removed > 0)
      this.options.log.info({ removed, freedBytes, limit: this.options.maxBytes }, 'content store evicted least recently used entries');
    return { removed, freedBytes };
  }

  close(): void {
    if (!this.db.open) return;
    this.flushIndex();
    this.db.close();
  }

  private objectPath(digest: string): string {
    return join(this.options.dir, 'objects', digest.slice(0, 2), digest);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  digest       TEXT PRIMARY KEY,
  size         INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_by_use ON entries (last_used_at);
CREATE TABLE IF NOT EXISTS totals (id INTEGER PRIMARY KEY CHECK (id = 1), entries INTEGER NOT NULL, bytes INTEGER NOT NULL);
INSERT OR IGNORE INTO totals VALUES (1, 0, 0);
CREATE TRIGGER IF NOT EXISTS entries_total_insert AFTER INSERT ON entries BEGIN
  UPDATE totals SET entries = entries + 1, bytes = bytes + NEW.size WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS entries_total_delete AFTER DELETE ON entries BEGIN
  UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.size WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS entries_total_update AFTER UPDATE OF size ON entries BEGIN
  UPDATE totals SET bytes = bytes - OLD.size + NEW.size WHERE id = 1;
END;
`;

function statements(db: Database.Database) {
  return {
    get: db.prepare('SELECT size, last_used_at FROM entries WHERE digest = ?'),
    touch: db.prepare('UPDATE entries SET last_used_at = ? WHERE digest = ?'),
    upsert: db.prepare(`INSERT INTO entries (digest, size, created_at, last_used_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (digest) DO UPDATE SET size = excluded.size, last_used_at = excluded.last_used_at`),
    delete: db.prepare('DELETE FROM entries WHERE digest = ?'),
    total: db.prepare('SELECT entries, bytes FROM totals WHERE id = 1'),
    oldest: db.prepare('SELECT digest, size FROM entries WHERE last_used_at < ? ORDER BY last_used_at LIMIT 1000'),
  };
}
