import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Ledger, type FileRecord } from '../../src/store/ledger.js';
import { fileRecord } from '../support/file-record.js';
import { MIGRATIONS } from '../../src/store/migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'o4-ledger-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function rec(workspaceId: number, rel: string, over: Partial<FileRecord> = {}): FileRecord {
  return fileRecord(workspaceId, rel, { depotFile: `//d/${rel}`, digest: 'D', fileSize: 10, statSig: '1:10:1', updatedAt: 1, ...over });
}

describe('ledger', () => {
  it('creates the schema once, in WAL mode, private to the user', () => {
    const file = join(dir, 'a.sqlite');
    const l1 = Ledger.open(file, { busyTimeoutMs: 1000 });
    l1.close();
    const l2 = Ledger.open(file, { busyTimeoutMs: 1000 });
    assert.equal(l2.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(l2.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    l2.close();
  });

  it('refuses a ledger from a newer o4-agent', () => {
    const file = join(dir, 'future.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    db.close();
    assert.throws(() => Ledger.open(file, { busyTimeoutMs: 1000 }), /newer than this o4-agent understands/);
  });

  it('keeps per-state counts exact through insert, update, move and delete', () => {
    const l = Ledger.open(join(dir, 'counts.sqlite'), { busyTimeoutMs: 1000 });
    const ws = l.saveWorkspace({ port: 'p', client: 'c', root: '/r', user: 'u', rootSource: 'check', markers: true });
    const other = l.saveWorkspace({ port: 'p', client: 'c2', root: '/r2', user: null, rootSource: 'inferred', markers: true });
    l.write(() => {
      l.putFile(rec(ws.id, 'a', { fileSize: 10 }));
      l.putFile(rec(ws.id, 'b', { fileSize: 20 }));
      l.putFile(rec(other.id, 'z', { fileSize: 5 }));
    });
    l.write(() => l.putFile(rec(ws.id, 'a', { fileSize: 15, state: 'hydrated' })));
    l.write(() => l.putFile(rec(ws.id, 'b', { fileSize: 20, rev: 2 })));
    l.write(() => l.moveFile(ws.id, 'b', 'c'));
    assert.deepEqual(l.stateCounts(ws.id), [
      { state: 'hydrated', files: 1, bytes: 15 },
      { state: 'placeholder', files: 1, bytes: 20 },
    ]);
    l.write(() => l.deleteFile(ws.id, 'a'));
    assert.deepEqual(l.stateCounts(ws.id), [{ state: 'placeholder', files: 1, bytes: 20 }]);
    assert.deepEqual(l.stateCounts(other.id), [{ state: 'placeholder', files: 1, bytes: 5 }]);
    const recount = l.db
      .prepare('SELECT state, count(*) AS files, sum(file_size) AS bytes FROM files WHERE workspace_id = ? GROUP BY state')
      .all(ws.id);
    assert.deepEqual(recount, [{ state: 'placeholder', files: 1, bytes: 20 }]);
    l.close();
  });

  it('rolls back the ledger when the filesystem step inside a write fails', () => {
    const l = Ledger.open(join(dir, 'rollback.sqlite'), { busyTimeoutMs: 1000 });
    const ws = l.saveWorkspace({ port: 'p', client: 'c', root: '/r', user: null, rootSource: 'check', markers: true });
    assert.throws(
      () =>
        l.write(() => {
          l.putFile(rec(ws.id, 'x'));
          throw new Error('rename failed');
        }),
      /rename failed/,
    );
    assert.equal(l.file(ws.id, 'x'), undefined);
    assert.deepEqual(l.stateCounts(ws.id), []);
    l.close();
  });

  it('reports a writer that waits too long for the lock as a ledger error, not a crash', () => {
    const file = join(dir, 'busy.sqlite');
    const holder = Ledger.open(file, { busyTimeoutMs: 1000 });
    const waiter = Ledger.open(file, { busyTimeoutMs: 100 });
    holder.db.prepare('BEGIN IMMEDIATE').run();
    try {
      assert.throws(() => waiter.write(() => undefined), /cannot begin a write transaction: database is locked .*ledger.busyTimeoutMs/);
    } finally {
      holder.db.prepare('ROLLBACK').run();
      holder.close();
      waiter.close();
    }
  });

  it('finds workspaces by (port, client) and updates the root in place', () => {
    const l = Ledger.open(join(dir, 'ws.sqlite'), { busyTimeoutMs: 1000 });
    const a = l.saveWorkspace({ port: 'ssl:h:1666', client: 'c', root: '/r', user: 'u', rootSource: 'inferred', markers: true });
    const b = l.saveWorkspace({ port: 'ssl:h:1666', client: 'c', root: '/r2', user: null, rootSource: 'check', markers: false });
    assert.equal(a.id, b.id);
    assert.equal(b.root, '/r2');
    assert.equal(b.user, 'u', 'a request without user keeps the known one');
    assert.equal(l.workspace('h:1666', 'c'), undefined, 'the port is part of the key as sent');
    l.close();
  });
});

describe('background WAL checkpoints', () => {
  it('keep the WAL from growing without bound while a writer never pauses long, and never hold the process open', async () => {
    const { statSync } = await import('node:fs');
    const { nullLog } = await import('../../src/log/logger.js');
    const file = join(dir, 'wal.sqlite');
    const l = Ledger.open(file, { busyTimeoutMs: 5000 });
    l.checkpointInBackground(nullLog);
    const ws = l.saveWorkspace({ port: 'p', client: 'c', root: '/r', user: null, rootSource: 'check', markers: true });
    const COMMITS = 4000;
    let maxWal = 0;
    for (let i = 0; i < COMMITS; i++) {
      l.writeOne(() => l.putFile(rec(ws.id, `dir${i % 50}/file${i}.cpp`, { depotFile: `//depot/main/dir${i % 50}/file${i}.cpp` })));
      if (i % 200 === 199) {
        maxWal = Math.max(maxWal, statSync(`${file}-wal`).size);
        await new Promise((r) => setTimeout(r, 20)); // the gaps between requests
      }
    }
    l.close();
    // Without restarts every commit appends ~3-5 pages: COMMITS × ≥12 KiB.
    // Restarts begin past 4x the 4 MB wake-up size, so ~16-23 MB is normal; never restarting reaches ~48 MB.
    assert.ok(maxWal < COMMITS * 12 * 1024 * 0.75, `WAL grew to ${maxWal} bytes`);
    const check = Ledger.open(file, { busyTimeoutMs: 1000 });
    assert.equal((check.db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n, COMMITS);
    check.close();
  });
});
