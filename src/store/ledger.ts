import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { O4Error, describeError } from '../errors.js';
import type { Log } from '../log/logger.js';
import { MIGRATIONS } from './migrations.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import type { FileState } from './states.js';

/**
 * The ledger: one SQLite file (WAL) shared by every o4-agent process of a user. It is the single
 * source of truth; processes are replaceable around it. Write transactions are IMMEDIATE so that a
 * writer waits for the lock (busy_timeout) instead of failing with SQLITE_BUSY on upgrade.
 */
export interface Workspace {
  readonly id: number;
  readonly port: string;
  readonly client: string;
  readonly root: string;
  readonly user: string | null;
  readonly rootSource: 'check' | 'inferred';
  readonly markers: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface FileRecord {
  workspaceId: number;
  rel: string;
  depotFile: string;
  clientFile: string | null;
  rev: number;
  digest: string | null;
  fileSize: number | null;
  fileType: string | null;
  typeCode: string | null;
  keywords: boolean;
  lineEnd: string | null;
  utf8bom: number | null;
  charset: string | null;
  writable: boolean;
  executable: boolean;
  state: FileState;
  statSig: string | null;
  source: string | null;
  hydratedAt: number | null;
  updatedAt: number;
}

/** A file of a seeded directory, indexed by the digests it would have as stored form. */
export interface Seed {
  readonly path: string;
  readonly statSig: string;
  readonly size: number;
  /** MD5 of the bytes as they are. */
  readonly digestRaw: string;
  /** MD5 after text normalisation (BOM dropped, CRLF/CR to LF), when that differs. */
  readonly digestText: string | null;
  readonly indexedAt: number;
}

interface SeedRow {
  path: string;
  stat_sig: string;
  size: number;
  digest_raw: string;
  digest_text: string | null;
  indexed_at: number;
}

function toSeed(r: SeedRow): Seed {
  return { path: r.path, statSig: r.stat_sig, size: r.size, digestRaw: r.digest_raw, digestText: r.digest_text, indexedAt: r.indexed_at };
}

export interface StateCount {
  readonly state: FileState;
  readonly files: number;
  readonly bytes: number;
}

interface FileRow {
  workspace_id: number;
  rel: string;
  depot_file: string;
  client_file: string | null;
  rev: number;
  digest: string | null;
  file_size: number | null;
  file_type: string | null;
  type_code: string | null;
  keywords: number;
  line_end: string | null;
  utf8bom: number | null;
  charset: string | null;
  writable: number;
  executable: number;
  state: FileState;
  stat_sig: string | null;
  source: string | null;
  hydrated_at: number | null;
  updated_at: number;
}

interface WorkspaceRow {
  id: number;
  port: string;
  client: string;
  root: string;
  user: string | null;
  root_source: 'check' | 'inferred';
  markers: number;
  created_at: number;
  updated_at: number;
}

export interface LedgerOptions {
  readonly busyTimeoutMs: number;
  readonly readonly?: boolean;
}

/** Keys per query for the batched lookups (json_each); far below SQLite's limits. */
const BATCH_KEYS = 500;

export class Ledger {
  readonly db: Database.Database;
  private readonly stmts: ReturnType<typeof prepareStatements>;
  private readonly beginImmediate: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  /** Called after every committed write; the WAL checkpointer hooks in here. */
  private afterWrite: (() => void) | undefined;
  private checkpointer: WalCheckpointer | undefined;

  private constructor(
    readonly path: string,
    db: Database.Database,
  ) {
    this.db = db;
    this.stmts = prepareStatements(db);
    this.beginImmediate = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  static open(file: string, options: LedgerOptions): Ledger {
    let db: Database.Database;
    try {
      if (!options.readonly) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      db = new Database(file, { timeout: options.busyTimeoutMs, readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    } catch (err) {
      throw new O4Error('LEDGER', `cannot open ledger ${file}: ${describeError(err)}`, { file }, { cause: err });
    }
    try {
      if (!options.readonly) {
        if (db.pragma('journal_mode', { simple: true }) !== 'wal') {
          chmodSync(file, 0o600); // the -wal and -shm files SQLite creates next copy this mode
          db.pragma('journal_mode = WAL');
        }
        db.pragma('synchronous = NORMAL');
        migrate(db);
      } else if ((db.pragma('user_version', { simple: true }) as number) < MIGRATIONS.length) {
        throw new O4Error('LEDGER', `ledger ${file} has an older schema; run any o4-agent command that writes to upgrade it`, { file });
      }
      return new Ledger(file, db);
    } catch (err) {
      db.close();
      if (err instanceof O4Error) throw err;
      throw new O4Error('LEDGER', `cannot prepare ledger ${file}: ${describeError(err)}`, { file }, { cause: err });
    }
  }

  close(): void {
    void this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }

  /** Moves WAL checkpoints to a worker thread for this connection (see wal-checkpointer.ts). */
  checkpointInBackground(log: Log): void {
    const autoPages = this.db.pragma('wal_autocheckpoint', { simple: true }) as number;
    this.db.pragma('wal_autocheckpoint = 0');
    // After a checkpoint the WAL is reused from its start; keep the file itself from staying huge.
    this.db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    // Rarely: every checkpoint fsyncs, and an ext4 fsync makes the agent's next file creations wait
    // for the journal. At 20 checkpoints a second `add` p99 was 1.07 ms, at one 0.42 ms
    // (docs/benchmarks.md), and pages rewritten meanwhile are copied once. A fast writer nudges the
    // worker every few thousand commits so that the WAL stays bounded.
    const checkpointer = new WalCheckpointer(
      this.path,
      { thresholdBytes: autoPages * 4096, restartBytes: 4 * autoPages * 4096, intervalMs: 1000, nudgeWrites: 2000 },
      log,
      () => {
        if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${autoPages}`);
      },
    );
    this.checkpointer = checkpointer;
    this.afterWrite = () => checkpointer.noteWrite();
  }

  /**
   * Runs `fn` inside BEGIN IMMEDIATE … COMMIT. A filesystem change that must agree with the ledger
   * is made inside `fn`, after the ledger writes: if it throws, the ledger rolls back; if COMMIT
   * fails afterwards, `onCommitFailure` undoes the filesystem change where it can.
   */
  write<T>(fn: () => T, onCommitFailure?: () => void): T {
    try {
      this.beginImmediate.run();
    } catch (err) {
      throw ledgerError('begin a write transaction', this.path, err);
    }
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.safeRollback();
      throw err;
    }
    try {
      this.commit.run();
    } catch (err) {
      this.safeRollback();
      onCommitFailure?.();
      throw ledgerError('commit', this.path, err);
    }
    this.afterWrite?.();
    return result;
  }

  /**
   * Runs a single statement (with its triggers) as its own transaction: no BEGIN/COMMIT round trip,
   * for the hot path where the filesystem change already happened and one row records it.
   */
  writeOne<T>(fn: () => T): T {
    try {
      const result = fn();
      this.afterWrite?.();
      return result;
    } catch (err) {
      throw ledgerError('write', this.path, err);
    }
  }

  private safeRollback(): void {
    try {
      if (this.db.inTransaction) this.rollback.run();
    } catch {
      // The transaction is already gone (SQLite rolls back itself on some errors).
    }
  }

  workspace(port: string, client: string): Workspace | undefined {
    const row = this.stmts.workspaceByKey.get(port, client) as WorkspaceRow | undefined;
    return row && toWorkspace(row);
  }

  workspaceById(id: number): Workspace | undefined {
    const row = this.stmts.workspaceById.get(id) as WorkspaceRow | undefined;
    return row && toWorkspace(row);
  }

  workspaces(): Workspace[] {
    return (this.stmts.allWorkspaces.all() as WorkspaceRow[]).map(toWorkspace);
  }

  /** Creates or updates the workspace row; returns it as stored. */
  saveWorkspace(ws: {
    port: string;
    client: string;
    root: string;
    user: string | null;
    rootSource: 'check' | 'inferred';
    markers: boolean;
  }): Workspace {
    const now = Date.now();
    const row = this.stmts.upsertWorkspace.get({
      port: ws.port,
      client: ws.client,
      root: ws.root,
      user: ws.user,
      root_source: ws.rootSource,
      markers: ws.markers ? 1 : 0,
      now,
    }) as WorkspaceRow;
    return toWorkspace(row);
  }

  file(workspaceId: number, rel: string): FileRecord | undefined {
    const row = this.stmts.fileByKey.get(workspaceId, rel) as FileRow | undefined;
    return row && toFileRecord(row);
  }

  /** Inserts or replaces the row of rec's path. Positional binding: the hot path of every `add`. */
  putFile(f: FileRecord): void {
    this.stmts.upsertFile.run(
      f.workspaceId,
      f.rel,
      f.depotFile,
      f.clientFile,
      f.rev,
      f.digest,
      f.fileSize,
      f.fileType,
      f.typeCode,
      f.keywords ? 1 : 0,
      f.lineEnd,
      f.utf8bom,
      f.charset,
      f.writable ? 1 : 0,
      f.executable ? 1 : 0,
      f.state,
      f.statSig,
      f.source,
      f.hydratedAt,
      f.updatedAt,
    );
  }

  deleteFile(workspaceId: number, rel: string): boolean {
    return this.stmts.deleteFile.run(workspaceId, rel).changes > 0;
  }

  /** Re-keys a row to a new path, replacing any row already there. */
  moveFile(workspaceId: number, fromRel: string, toRel: string): boolean {
    this.stmts.deleteFile.run(workspaceId, toRel);
    return this.stmts.moveFile.run({ ws: workspaceId, from: fromRel, to: toRel, now: Date.now() }).changes > 0;
  }

  recordRescue(workspaceId: number, rel: string, savedTo: string, reason: string): void {
    this.stmts.insertRescue.run(workspaceId, rel, savedTo, reason, Date.now());
  }

  rescues(workspaceId: number, rel: string): { savedTo: string; reason: string; at: number }[] {
    return this.stmts.rescuesByPath.all(workspaceId, rel) as { savedTo: string; reason: string; at: number }[];
  }

  /**
   * Rows of a workspace whose relative path starts with `relPrefix` (all rows for ''), in path
   * order, a page at a time: `after` is the last path of the previous page.
   */
  filesByRelPrefix(workspaceId: number, relPrefix: string, after: string | null, limit: number): FileRecord[] {
    const stmt = after === null ? this.stmts.filesByRelFrom : this.stmts.filesByRelAfter;
    return (stmt.all(workspaceId, after ?? relPrefix, relPrefix + '\uffff', limit) as FileRow[]).map(toFileRecord);
  }

  /** Rows of a workspace whose depot path starts with `prefix`, a page at a time, in depot path order. */
  filesByDepotPrefix(workspaceId: number, prefix: string, after: string | null, limit: number): FileRecord[] {
    const stmt = after === null ? this.stmts.filesByDepotFrom : this.stmts.filesByDepotAfter;
    return (stmt.all(workspaceId, after ?? prefix, prefix + '\uffff', limit) as FileRow[]).map(toFileRecord);
  }

  /** Hydrated files elsewhere in any workspace holding this digest: candidates to copy from. */
  /**
   * Hydrated files holding each of these digests, across all workspaces: candidates for a local
   * copy. One query for many digests: a statement call costs more than the rows it returns.
   */
  hydratedCopies(digests: readonly string[]): Map<string, Array<FileRecord & { root: string }>> {
    const found = new Map<string, Array<FileRecord & { root: string }>>();
    for (let i = 0; i < digests.length; i += BATCH_KEYS) {
      const rows = this.stmts.hydratedByDigests.all(JSON.stringify(digests.slice(i, i + BATCH_KEYS))) as Array<FileRow & { root: string }>;
      for (const r of rows) {
        const list = found.get(r.digest!) ?? [];
        if (list.length < 8) list.push({ ...toFileRecord(r), root: r.root });
        found.set(r.digest!, list);
      }
    }
    return found;
  }

  /** A placeholder got its content: one UPDATE, which also clears an earlier hydration error. */
  recordHydrated(workspaceId: number, rel: string, h: { statSig: string; source: string; writable: boolean; executable: boolean }): void {
    const now = Date.now();
    this.stmts.recordHydrated.run(h.statSig, h.source, now, h.writable ? 1 : 0, h.executable ? 1 : 0, now, workspaceId, rel);
  }

  /** What the watcher saw on disk: a new state and the stat it saw. */
  recordLocalState(workspaceId: number, rel: string, state: FileState, statSig: string | null): void {
    this.stmts.recordLocalState.run(state, statSig, Date.now(), workspaceId, rel);
  }

  /** Records (or clears, with null) the last hydration error of a file. */
  setLastError(workspaceId: number, rel: string, message: string | null): void {
    this.stmts.setLastError.run(message, message === null ? null : Date.now(), workspaceId, rel);
  }

  /** The most recent hydration error of a workspace. */
  latestError(workspaceId: number): { rel: string; message: string; at: number } | undefined {
    return this.stmts.latestError.get(workspaceId) as { rel: string; message: string; at: number } | undefined;
  }

  /** Per-state counts below a directory (a range scan; the whole workspace is in stateCounts). */
  stateCountsUnder(workspaceId: number, relPrefix: string): StateCount[] {
    return this.stmts.countsUnder.all(workspaceId, relPrefix, relPrefix + '\uffff') as StateCount[];
  }

  /** Relative path and size of every hydrated file of a workspace, in path order. */
  *hydratedFiles(workspaceId: number): Generator<{ rel: string; size: number }> {
    yield* this.stmts.hydratedFiles.iterate(workspaceId) as Iterable<{ rel: string; size: number }>;
  }

  /** Drops a workspace and everything the ledger knows about it; its files are not touched. */
  forgetWorkspace(workspaceId: number): number {
    let files = 0;
    this.write(() => {
      files = this.stmts.deleteWorkspaceFiles.run(workspaceId).changes;
      this.stmts.deleteWorkspaceRescues.run(workspaceId);
      this.stmts.deleteWorkspaceCounts.run(workspaceId);
      this.stmts.deleteWorkspace.run(workspaceId);
    });
    return files;
  }

  lastError(workspaceId: number, rel: string): { message: string; at: number } | undefined {
    const row = this.stmts.lastError.get(workspaceId, rel) as { last_error: string | null; last_error_at: number | null } | undefined;
    return row?.last_error ? { message: row.last_error, at: row.last_error_at ?? 0 } : undefined;
  }

  /** The SHA-256 and size of the stored form with this server digest, once verified. */
  /** SHA-256 and size learned for each of these digests, where known (see hydrate/verifier.ts). */
  contentHashes(digests: readonly string[]): Map<string, { sha256: string; size: number }> {
    const found = new Map<string, { sha256: string; size: number }>();
    for (let i = 0; i < digests.length; i += BATCH_KEYS) {
      const rows = this.stmts.contentHashes.all(JSON.stringify(digests.slice(i, i + BATCH_KEYS))) as Array<{
        digest: string;
        sha256: string;
        size: number;
      }>;
      for (const r of rows) found.set(r.digest, { sha256: r.sha256, size: r.size });
    }
    return found;
  }

  /** State and stat signature of one row, or undefined: the check before replacing a placeholder. */
  placeholderState(workspaceId: number, rel: string): { state: FileState; statSig: string | null } | undefined {
    const row = this.stmts.placeholderState.get(workspaceId, rel) as [FileState, string | null] | undefined;
    return row && { state: row[0], statSig: row[1] };
  }

  putContentHash(digest: string, sha256: string, size: number): void {
    this.stmts.putContentHash.run(digest, sha256, size);
  }

  putSeed(seed: Seed): void {
    this.writeOne(() => this.stmts.upsertSeed.run(seed.path, seed.statSig, seed.size, seed.digestRaw, seed.digestText, seed.indexedAt));
  }

  seedsFor(digest: string): Seed[] {
    return (this.stmts.seedsByDigest.all(digest, digest) as SeedRow[]).map(toSeed);
  }

  seedsAt(path: string): Seed | undefined {
    const row = this.stmts.seedByPath.get(path) as SeedRow | undefined;
    return row && toSeed(row);
  }

  forgetSeed(path: string): void {
    this.stmts.deleteSeed.run(path);
  }

  stateCounts(workspaceId: number): StateCount[] {
    return this.stmts.countsByWorkspace.all(workspaceId) as StateCount[];
  }
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current === MIGRATIONS.length) return;
  if (current > MIGRATIONS.length) {
    throw new O4Error('LEDGER', `ledger schema version ${current} is newer than this o4-agent understands (${MIGRATIONS.length}); upgrade o4-agent`);
  }
  db.prepare('BEGIN IMMEDIATE').run();
  try {
    // Re-read under the write lock: another process may have migrated meanwhile.
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
    db.prepare('COMMIT').run();
  } catch (err) {
    if (db.inTransaction) db.prepare('ROLLBACK').run();
    throw err;
  }
}

function ledgerError(action: string, file: string, err: unknown): O4Error {
  const code = (err as { code?: string }).code;
  const hint =
    code === 'SQLITE_BUSY'
      ? ' (another o4-agent process held the ledger longer than ledger.busyTimeoutMs)'
      : code === 'SQLITE_FULL'
        ? ' (the disk holding the ledger is full)'
        : '';
  return new O4Error('LEDGER', `ledger ${file}: cannot ${action}: ${describeError(err)}${hint}`, { file, sqlite: code }, { cause: err });
}

function prepareStatements(db: Database.Database) {
  return {
    workspaceByKey: db.prepare('SELECT * FROM workspaces WHERE port = ? AND client = ?'),
    workspaceById: db.prepare('SELECT * FROM workspaces WHERE id = ?'),
    allWorkspaces: db.prepare('SELECT * FROM workspaces ORDER BY client, port'),
    upsertWorkspace: db.prepare(`
      INSERT INTO workspaces (port, client, root, user, root_source, markers, created_at, updated_at)
      VALUES (@port, @client, @root, @user, @root_source, @markers, @now, @now)
      ON CONFLICT (port, client) DO UPDATE SET
        root = excluded.root, user = coalesce(excluded.user, user), root_source = excluded.root_source,
        markers = excluded.markers, updated_at = excluded.updated_at
      RETURNING *`),
    fileByKey: db.prepare('SELECT * FROM files WHERE workspace_id = ? AND rel = ?'),
    upsertFile: db.prepare(`
      INSERT INTO files (workspace_id, rel, depot_file, client_file, rev, digest, file_size, file_type, type_code,
        keywords, line_end, utf8bom, charset, writable, executable, state, stat_sig, source, hydrated_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (workspace_id, rel) DO UPDATE SET
        depot_file = excluded.depot_file, client_file = excluded.client_file, rev = excluded.rev, digest = excluded.digest,
        file_size = excluded.file_size, file_type = excluded.file_type, type_code = excluded.type_code,
        keywords = excluded.keywords, line_end = excluded.line_end, utf8bom = excluded.utf8bom, charset = excluded.charset,
        writable = excluded.writable, executable = excluded.executable, state = excluded.state, stat_sig = excluded.stat_sig,
        source = excluded.source, hydrated_at = excluded.hydrated_at, updated_at = excluded.updated_at`),
    deleteFile: db.prepare('DELETE FROM files WHERE workspace_id = ? AND rel = ?'),
    moveFile: db.prepare('UPDATE files SET rel = @to, updated_at = @now WHERE workspace_id = @ws AND rel = @from'),
    insertRescue: db.prepare('INSERT INTO rescued (workspace_id, rel, saved_to, reason, at) VALUES (?, ?, ?, ?, ?)'),
    rescuesByPath: db.prepare('SELECT saved_to AS savedTo, reason, at FROM rescued WHERE workspace_id = ? AND rel = ? ORDER BY at DESC'),
    filesByRelFrom: db.prepare('SELECT * FROM files WHERE workspace_id = ? AND rel >= ? AND rel < ? ORDER BY rel LIMIT ?'),
    filesByRelAfter: db.prepare('SELECT * FROM files WHERE workspace_id = ? AND rel > ? AND rel < ? ORDER BY rel LIMIT ?'),
    filesByDepotFrom: db.prepare('SELECT * FROM files WHERE workspace_id = ? AND depot_file >= ? AND depot_file < ? ORDER BY depot_file LIMIT ?'),
    filesByDepotAfter: db.prepare('SELECT * FROM files WHERE workspace_id = ? AND depot_file > ? AND depot_file < ? ORDER BY depot_file LIMIT ?'),
    hydratedByDigests: db.prepare(`SELECT f.*, w.root FROM files f JOIN workspaces w ON w.id = f.workspace_id
      WHERE f.state = 'hydrated' AND f.digest IN (SELECT value FROM json_each(?))`),
    contentHashes: db.prepare('SELECT digest, sha256, size FROM content_hashes WHERE digest IN (SELECT value FROM json_each(?))'),
    placeholderState: db.prepare('SELECT state, stat_sig FROM files WHERE workspace_id = ? AND rel = ?').raw(),
    recordLocalState: db.prepare('UPDATE files SET state = ?, stat_sig = coalesce(?, stat_sig), updated_at = ? WHERE workspace_id = ? AND rel = ?'),
    recordHydrated: db.prepare(`UPDATE files SET state = 'hydrated', stat_sig = ?, source = ?, hydrated_at = ?, writable = ?, executable = ?,
      updated_at = ?, last_error = NULL, last_error_at = NULL WHERE workspace_id = ? AND rel = ?`),
    latestError: db.prepare(`SELECT rel, last_error AS message, last_error_at AS at FROM files
      WHERE workspace_id = ? AND last_error IS NOT NULL ORDER BY last_error_at DESC LIMIT 1`),
    countsUnder: db.prepare(`SELECT state, count(*) AS files, coalesce(sum(file_size), 0) AS bytes FROM files
      WHERE workspace_id = ? AND rel >= ? AND rel < ? GROUP BY state ORDER BY state`),
    hydratedFiles: db.prepare("SELECT rel, coalesce(file_size, 0) AS size FROM files WHERE workspace_id = ? AND state = 'hydrated'"),
    deleteWorkspaceFiles: db.prepare('DELETE FROM files WHERE workspace_id = ?'),
    deleteWorkspaceRescues: db.prepare('DELETE FROM rescued WHERE workspace_id = ?'),
    deleteWorkspaceCounts: db.prepare('DELETE FROM state_counts WHERE workspace_id = ?'),
    deleteWorkspace: db.prepare('DELETE FROM workspaces WHERE id = ?'),
    setLastError: db.prepare('UPDATE files SET last_error = ?, last_error_at = ? WHERE workspace_id = ? AND rel = ?'),
    lastError: db.prepare('SELECT last_error, last_error_at FROM files WHERE workspace_id = ? AND rel = ?'),
    upsertSeed: db.prepare(`INSERT INTO seeds (path, stat_sig, size, digest_raw, digest_text, indexed_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (path) DO UPDATE SET stat_sig = excluded.stat_sig, size = excluded.size, digest_raw = excluded.digest_raw,
        digest_text = excluded.digest_text, indexed_at = excluded.indexed_at`),
    seedsByDigest: db.prepare('SELECT * FROM seeds WHERE digest_raw = ? UNION SELECT * FROM seeds WHERE digest_text = ? LIMIT 8'),
    deleteSeed: db.prepare('DELETE FROM seeds WHERE path = ?'),
    putContentHash: db.prepare('INSERT OR IGNORE INTO content_hashes (digest, sha256, size) VALUES (?, ?, ?)'),
    seedByPath: db.prepare('SELECT * FROM seeds WHERE path = ?'),
    countsByWorkspace: db.prepare('SELECT state, files, bytes FROM state_counts WHERE workspace_id = ? AND files > 0 ORDER BY state'),
  };
}

function toWorkspace(r: WorkspaceRow): Workspace {
  return {
    id: r.id,
    port: r.port,
    client: r.client,
    root: r.root,
    user: r.user,
    rootSource: r.root_source,
    markers: r.markers !== 0,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toFileRecord(r: FileRow): FileRecord {
  return {
    workspaceId: r.workspace_id,
    rel: r.rel,
    depotFile: r.depot_file,
    clientFile: r.client_file,
    rev: r.rev,
    digest: r.digest,
    fileSize: r.file_size,
    fileType: r.file_type,
    typeCode: r.type_code,
    keywords: r.keywords !== 0,
    lineEnd: r.line_end,
    utf8bom: r.utf8bom,
    charset: r.charset,
    writable: r.writable !== 0,
    executable: r.executable !== 0,
    state: r.state,
    statSig: r.stat_sig,
    source: r.source,
    hydratedAt: r.hydrated_at,
    updatedAt: r.updated_at,
  };
}
