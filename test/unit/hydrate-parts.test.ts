import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { planFor } from '../../src/hydrate/content-plan.js';
import { ContentStore } from '../../src/hydrate/content-store.js';
import { Installer, DigestMismatch } from '../../src/hydrate/installer.js';
import { Verifier } from '../../src/hydrate/verifier.js';
import { CopyPool } from '../../src/hydrate/copy-pool.js';
import { SourceChanged, type CopyJob } from '../../src/hydrate/local-copy.js';
import { statSignature } from '../../src/fs/stat-signature.js';
import { fileRecord } from '../support/file-record.js';
import { Hydrator } from '../../src/hydrate/hydrator.js';
import { preparePlaceholder } from '../../src/fs/placeholder.js';
import { nullLog } from '../../src/log/logger.js';
import { Ledger, type FileRecord } from '../../src/store/ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'o4-hydrate-parts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex').toUpperCase();

function rec(over: Partial<FileRecord>): FileRecord {
  return fileRecord(1, 'f', { depotFile: '//depot/f', ...over });
}

describe('content plans', () => {
  const stored = Buffer.from('one\ntwo\n');
  it('writes text with the requested line endings and maps it back', () => {
    const win = planFor(rec({ digest: md5(stored), lineEnd: 'win' }));
    assert.equal(win.fetch, 'stream');
    assert.equal(win.verify, 'digest');
    assert.equal(win.clientFormIsStored, false);
    assert.equal(win.toClient(stored)!.toString(), 'one\r\ntwo\r\n');
    assert.equal(md5(win.toStored(Buffer.from('one\r\ntwo\r\n'))!), md5(stored));
    assert.equal(
      planFor(rec({ lineEnd: 'mac' }))
        .toClient(stored)!
        .toString(),
      'one\rtwo\r',
    );
    const unix = planFor(rec({ lineEnd: 'unix' }));
    assert.equal(unix.clientFormIsStored, true);
    assert.equal(unix.toClient(stored), null);
  });

  it('gives utf8 files a BOM unless utf8bom says no, and keeps other bytes intact', () => {
    const text = Buffer.from('caf\u00e9 \u65e5\u672c\n');
    const withBom = planFor(rec({ fileType: 'utf8', utf8bom: 1 })).toClient(text)!;
    assert.deepEqual([...withBom.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.deepEqual(withBom.subarray(3), text);
    assert.equal(planFor(rec({ fileType: 'utf8', utf8bom: 0 })).clientFormIsStored, true);
    assert.equal(planFor(rec({ fileType: 'utf8', utf8bom: 2 })).clientFormIsStored, true, '2 means Windows only');
    assert.equal(planFor(rec({ fileType: 'utf8' })).clientFormIsStored, false, 'absent means the default, 1');
    const crlf = planFor(rec({ fileType: 'utf8', lineEnd: 'win' }));
    assert.deepEqual(crlf.toStored(crlf.toClient(text)!), text);
  });

  it('leaves utf16 and foreign charsets to p4 print -o and verifies them by decoding', () => {
    const utf16 = planFor(rec({ fileType: 'utf16', digest: md5('hi\n') }));
    assert.equal(utf16.fetch, 'print-to-file');
    const client = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hi\r\n', 'utf16le')]);
    assert.equal(
      planFor(rec({ fileType: 'utf16', lineEnd: 'win' }))
        .toStored(client)!
        .toString(),
      'hi\n',
    );
    const latin1 = planFor(rec({ fileType: 'unicode', charset: '2', digest: md5('caf\u00e9\n') }));
    assert.equal(latin1.fetch, 'print-to-file');
    assert.equal(latin1.verify, 'digest');
    assert.equal(md5(latin1.toStored(Buffer.from('caf\u00e9\n', 'latin1'))!), md5('caf\u00e9\n'));
    const utf8Unicode = planFor(rec({ fileType: 'unicode', charset: '1' }));
    assert.equal(utf8Unicode.fetch, 'stream');
  });

  it('can only check the size of a keyword file printed with -K, and never caches it', () => {
    const ko = planFor(rec({ fileType: 'text+k', digest: md5('x'), keywords: false }));
    assert.equal(ko.verify, 'size');
    assert.equal(ko.storeKey, null);
    assert.equal(ko.expandKeywords, false);
    const expanded = planFor(rec({ fileType: 'ktext', digest: md5('x'), keywords: true }));
    assert.equal(expanded.verify, 'digest');
    assert.equal(expanded.expandKeywords, true);
    assert.equal(planFor(rec({ fileType: 'apple', digest: md5('x') })).verify, 'none');
  });

  it('treats a digest that is not 32 hex digits (a mangled integer) as unverifiable', () => {
    assert.equal(planFor(rec({ digest: '-6432227781800638996' })).verify, 'none');
  });
});

describe('content store', () => {
  it('adopts, finds, discards and evicts least recently used entries beyond its limit', () => {
    const store = ContentStore.open({ dir: join(dir, 'store'), maxBytes: 2500, shared: false, busyTimeoutMs: 5000, log: nullLog });
    const put = (content: string) => {
      const tmp = store.tempPath();
      writeFileSync(tmp, content);
      const entry = store.adopt(tmp, md5(content));
      store.flushIndex();
      return entry;
    };
    const a = put('a'.repeat(1000));
    assert.equal(readFileSync(a.path, 'utf8'), 'a'.repeat(1000));
    assert.equal(statSync(a.path).mode & 0o777, 0o400, 'entries are read-only');
    put('b'.repeat(1000));
    assert.equal(store.stats().bytes, 2000);
    // Age the two entries past the grace period, a older than b.
    const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
    db.prepare('UPDATE entries SET last_used_at = ? WHERE digest = ?').run(1, md5('a'.repeat(1000)));
    db.prepare('UPDATE entries SET last_used_at = ? WHERE digest = ?').run(2, md5('b'.repeat(1000)));
    put('c'.repeat(1000)); // 3000 > 2500: evict to 2250, oldest first
    assert.equal(store.lookup(md5('a'.repeat(1000))), undefined);
    assert.ok(store.lookup(md5('b'.repeat(1000))));
    assert.equal(existsSync(a.path), false);
    store.discard(md5('c'.repeat(1000)), 'test');
    assert.equal(store.lookup(md5('c'.repeat(1000))), undefined);
    assert.equal(store.stats().entries, 1);
    store.close();
  });
});

describe('installer', () => {
  function setup(name: string) {
    const root = join(dir, name);
    mkdirSync(root, { recursive: true });
    const ledger = Ledger.open(join(dir, `${name}.sqlite`), { busyTimeoutMs: 1000 });
    const ws = ledger.saveWorkspace({ port: 'p', client: 'c', root, user: 'u', rootSource: 'check', markers: true });
    const place = (rel: string, content: string, over: Partial<FileRecord> = {}) => {
      const abs = join(root, rel);
      const ph = preparePlaceholder({ target: abs, size: content.length, mode: 0, marker: null });
      renameSync(ph.path, abs);
      const r = rec({ workspaceId: ws.id, rel, digest: md5(content), fileSize: content.length, statSig: ph.statSig, ...over });
      ledger.putFile(r);
      return Hydrator.target(ws, r);
    };
    const verifier = new Verifier(ledger);
    const installer = new Installer(ledger, verifier);
    const install = async (t: ReturnType<typeof place>, src: string, digest: string) =>
      installer.commit([await installer.prepareFromStoredFile(t, src, 'store', verifier.expectFor(digest))])[0]!;
    return { root, ledger, ws, place, installer, verifier, install };
  }

  it('installs verified content with the recorded mode, records where it came from, and learns its SHA-256', async () => {
    const { ledger, place, install } = setup('ok');
    const src = join(dir, 'src-ok');
    writeFileSync(src, 'hello\n');
    const t = place('a/b.txt', 'hello\n', { executable: true });
    assert.deepEqual(await install(t, src, md5('hello\n')), { outcome: 'hydrated', source: 'store', bytes: 6 });
    assert.equal(readFileSync(t.abs, 'utf8'), 'hello\n');
    assert.equal(statSync(t.abs).mode & 0o777, 0o555 & ~process.umask());
    const row = ledger.file(t.rec.workspaceId, 'a/b.txt')!;
    assert.equal(row.state, 'hydrated');
    assert.equal(row.source, 'store');
    assert.equal(
      ledger.contentHashes([md5('hello\n')]).get(md5('hello\n'))?.sha256,
      createHash('sha256').update('hello\n').digest('hex').toUpperCase(),
    );
    ledger.close();
  });

  it('refuses content whose digest does not match, by MD5 or by a learned SHA-256, leaving placeholder and ledger as they were', async () => {
    const { ledger, place, install, verifier } = setup('mismatch');
    const src = join(dir, 'src-bad');
    writeFileSync(src, 'tampered');
    const t = place('x.bin', 'original');
    const before = statSync(t.abs);
    await assert.rejects(install(t, src, md5('original')), DigestMismatch);
    verifier.learn(md5('original'), createHash('sha256').update('original').digest('hex').toUpperCase(), 8);
    await assert.rejects(install(t, src, md5('original')), /does not match the server digest \(expected .*got sha256/);
    assert.equal(statSync(t.abs).ino, before.ino);
    assert.equal(ledger.file(t.rec.workspaceId, 'x.bin')!.state, 'placeholder');
    ledger.close();
  });

  it('never replaces a placeholder the user touched, and still installs the rest of its batch', async () => {
    const { ledger, place, installer, verifier } = setup('touched');
    const src = join(dir, 'src-touched');
    writeFileSync(src, 'content');
    const touched = place('t.txt', 'content');
    const fine = place('u.txt', 'content');
    const batch = [
      await installer.prepareFromStoredFile(touched, src, 'store', verifier.expectFor(md5('content'))),
      await installer.prepareFromStoredFile(fine, src, 'store', verifier.expectFor(md5('content'))),
    ];
    const past = new Date(Date.now() - 60_000);
    utimesSync(touched.abs, past, past);
    const [a, b] = installer.commit(batch);
    assert.equal(a!.outcome, 'skipped');
    assert.match('error' in a! ? a.error.message : '', /changed locally/);
    assert.equal(b!.outcome, 'hydrated');
    assert.equal(statSync(touched.abs).size, 7);
    assert.equal(statSync(touched.abs).mode & 0o777, 0, 'still the unreadable placeholder');
    assert.equal(readFileSync(fine.abs, 'utf8'), 'content');
    assert.deepEqual(
      readdirSync(join(dir, 'touched')).filter((n) => n.startsWith('.o4tmp')),
      [],
    );
    ledger.close();
  });

  it('copies a large file in the kernel while hashing the source, verified', async () => {
    const { ledger, place, install } = setup('large');
    const data = Buffer.alloc(6 * 1024 * 1024, 3);
    const src = join(dir, 'src-large');
    writeFileSync(src, data);
    const t = place('big.bin', data.toString('latin1'), { fileSize: data.length, fileType: 'binary' });
    assert.equal((await install(t, src, md5(data))).outcome, 'hydrated');
    assert.deepEqual(readFileSync(t.abs), data);
    writeFileSync(src, Buffer.alloc(data.length, 4));
    const t2 = place('big2.bin', data.toString('latin1'), { fileSize: data.length, fileType: 'binary' });
    await assert.rejects(install(t2, src, md5(data)), DigestMismatch);
    ledger.close();
  });

  it('makes symlink types real symlinks', () => {
    const { place, installer, root, ledger } = setup('links');
    const t = place('link', 'target/file.txt\n', { fileType: 'symlink' });
    assert.equal(installer.commit([installer.prepareFromStoredBytes(t, Buffer.from('target/file.txt\n'), 'server')])[0]!.outcome, 'hydrated');
    assert.equal(statSync(root).isDirectory(), true);
    assert.equal(readlinkSync(t.abs), 'target/file.txt');
    ledger.close();
  });
});

describe('copy pool', () => {
  const md5Of = (b: Buffer) => createHash('md5').update(b).digest('hex').toUpperCase();

  function jobs(n: number, sub: string): Array<{ job: CopyJob; content: Buffer }> {
    const base = join(dir, sub);
    mkdirSync(join(base, 'src'), { recursive: true });
    mkdirSync(join(base, 'dst'), { recursive: true });
    return Array.from({ length: n }, (_, i) => {
      const content = Buffer.from(`file ${i} `.repeat(1 + (i % 50)));
      const src = join(base, 'src', `f${i}`);
      writeFileSync(src, content);
      return { content, job: { src, target: join(base, 'dst', `f${i}`), mode: 0o640, algs: ['md5'] } };
    });
  }

  it('copies a large batch in workers and a small one inline, with the same results', async () => {
    const pool = new CopyPool(2, nullLog);
    try {
      for (const [n, sub] of [
        [200, 'pool-big'],
        [3, 'pool-small'],
      ] as const) {
        const set = jobs(n, sub);
        const results = await Promise.all(set.map((s) => pool.copy(s.job)));
        results.forEach((r, i) => {
          assert.equal(r.kind, 'copied');
          if (r.kind !== 'copied') return;
          assert.deepEqual(readFileSync(r.tmpPath), set[i]!.content);
          assert.equal(r.hashes.md5, md5Of(set[i]!.content));
          assert.equal(statSync(r.tmpPath).mode & 0o777, 0o640);
          assert.equal(r.statSig, statSignature(lstatSync(r.tmpPath, { bigint: true })));
        });
      }
    } finally {
      await pool.close();
    }
  });

  it('reports a source that changed, and keeps copying on this thread when workers cannot start', async () => {
    const set = jobs(40, 'pool-changed');
    const changed = { ...set[0]!.job, sourceSig: '1:2:3' };
    const pool = new CopyPool(1, nullLog);
    try {
      const outcomes = await Promise.allSettled([pool.copy(changed), ...set.slice(1).map((s) => pool.copy(s.job))]);
      assert.equal(outcomes[0]!.status, 'rejected');
      assert.ok((outcomes[0] as PromiseRejectedResult).reason instanceof SourceChanged);
      assert.ok(outcomes.slice(1).every((o) => o.status === 'fulfilled'));
    } finally {
      await pool.close();
    }
    // A worker that dies: the jobs still out are copied on this thread instead.
    const more = jobs(40, 'pool-dies');
    const dying = new CopyPool(1, nullLog);
    const pending = more.map((s) => dying.copy(s.job));
    await new Promise((r) => setImmediate(r)); // the batch went to the worker
    (dying as unknown as { workers: Array<{ worker: { emit(e: string, err: Error): void } }> }).workers[0]!.worker.emit('error', new Error('gone'));
    const results = await Promise.all(pending);
    results.forEach((r, i) => r.kind === 'copied' && assert.equal(r.hashes.md5, md5Of(more[i]!.content)));
    await dying.close();
  });
});
