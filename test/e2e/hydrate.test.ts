/**
 * Hydration end to end: placeholders made by the real agent, filled by the real CLI through the
 * fake p4, compared byte for byte with what the (fake) P4 client itself writes for a sync.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AltsyncAgentProcess } from '../fake-p4/altsync-client.js';
import { readLedger } from '../support/ledger-view.js';
import { AGENT_BIN } from '../support/sandbox.js';
import {
  PORT,
  USER,
  createP4Fixture,
  o4,
  referenceBytes,
  submitFiles,
  syncPlaceholders,
  writeConfig,
  type DepotFileSpec,
  type P4Fixture,
  type SyncedFile,
} from '../support/p4-fixture.js';

const fixtures: P4Fixture[] = [];
const mounts: string[] = [];
after(() => {
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  fixtures.forEach((f) => f.cleanup());
});
function fixture(unicode = false): P4Fixture {
  const fx = createP4Fixture('o4-e2e-', unicode);
  fixtures.push(fx);
  return fx;
}

const isRoot = process.getuid?.() === 0;
const big = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) & 0xff));

/** One file of every type family the agent handles differently. */
const EVERY_TYPE: DepotFileSpec[] = [
  { rel: 'src/main.c', type: 'text', content: 'int main() {\n  return 0;\n}\n', lineEnd: 'local' },
  { rel: 'src/win.txt', type: 'text', content: 'windows\nline ends\n', lineEnd: 'win' },
  { rel: 'src/mac.txt', type: 'text', content: 'old\nmac\n', lineEnd: 'mac' },
  { rel: 'tools/run.sh', type: 'text+x', content: '#!/bin/sh\necho hi\n', lineEnd: 'unix', executable: true },
  { rel: 'assets/blob.bin', type: 'binary', content: big },
  { rel: 'assets/tool', type: 'xbinary', content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), executable: true },
  { rel: 'doc/bom.txt', type: 'utf8', content: 'caf\u00e9 \u65e5\u672c\n', lineEnd: 'unix' },
  { rel: 'doc/nobom.txt', type: 'utf8', content: 'plain \u00fc\n', lineEnd: 'win', utf8bom: 0 },
  { rel: 'doc/wide.txt', type: 'utf16', content: 'wide \u00e9 text\nsecond\n', lineEnd: 'unix' },
  { rel: 'link', type: 'symlink', symlinkTarget: 'src/main.c' },
  { rel: 'kw/expanded.c', type: 'ktext', content: '/* $Id$ */\nint x;\n', lineEnd: 'unix', keywords: true },
  { rel: 'kw/raw.c', type: 'text+k', content: '/* $Revision$ */\nint y;\n', lineEnd: 'unix', keywords: false },
  { rel: 'notes/writable.txt', type: 'text+w', content: 'always writable\n', lineEnd: 'unix', writable: true },
];

async function workspace(
  fx: P4Fixture,
  client: string,
  specs = EVERY_TYPE,
  submitted?: ReturnType<typeof submitFiles>,
): Promise<{ root: string; files: SyncedFile[] }> {
  const root = join(fx.sb.dir, client);
  const revs = submitted ?? submitFiles(fx, specs);
  return { root, files: await syncPlaceholders(fx, client, root, revs) };
}

function assertHydratedExactly(fx: P4Fixture, client: string, files: readonly SyncedFile[]): void {
  const umask = process.umask();
  for (const f of files) {
    const ref = referenceBytes(fx, client, f);
    if ('symlink' in ref) {
      assert.ok(lstatSync(f.path).isSymbolicLink(), `${f.rel} is a symlink`);
      assert.equal(readlinkSync(f.path), ref.symlink);
      continue;
    }
    assert.deepEqual(readFileSync(f.path), ref, `${f.rel} (${f.type}) has exactly the bytes a sync writes`);
    const mode = statSync(f.path).mode & 0o777;
    const expected = (f.executable ? 0o777 : 0o666) & ~umask & (f.writable ? 0o777 : ~0o222);
    assert.equal(mode, expected, `${f.rel} mode`);
  }
}

function temps(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.startsWith('.o4tmp.')) out.push(join(d, e.name));
    }
  };
  walk(dir);
  return out;
}

describe('o4-agent hydrate', () => {
  it('hydrates every file type byte-exact from the server, verified, and records the source', async () => {
    const fx = fixture();
    const { root, files } = await workspace(fx, 'ws1');
    const r = o4(fx, ['hydrate', root]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`hydrated ${files.length} files`));
    assert.match(r.stdout, /from: server/);
    assertHydratedExactly(fx, 'ws1', files);
    const rows = readLedger(fx.sb.home).files;
    assert.ok(
      rows.every((row) => row['state'] === 'hydrated' && row['source'] === 'server'),
      JSON.stringify(rows.map((x) => [x['rel'], x['state']])),
    );
    assert.deepEqual(temps(root), []);
    // Batching: the stream families arrive through few -x print runs, not one p4 per file.
    // The agent's own p4 runs (the test's reference prints do not use -G).
    const prints = fx.depot.invocations().filter((i) => (i['argv'] as string[]).includes('print') && (i['argv'] as string[]).includes('-G'));
    const streamed = prints.filter((i) => (i['argv'] as string[]).includes('-x'));
    assert.ok(streamed.length <= 2, `stream prints: ${streamed.length}`);
    for (const inv of prints) {
      const argv = inv['argv'] as string[];
      assert.deepEqual(argv.slice(0, 6), ['-p', PORT, '-u', USER, '-c', 'ws1']);
      assert.equal((inv['env'] as Record<string, string>)['P4ALTSYNC'], '', 'child p4 never starts another agent');
    }
  });

  it('reuses the content store for a second workspace, and a sibling workspace when the store has nothing', async () => {
    const fx = fixture();
    const submitted = submitFiles(fx, EVERY_TYPE);
    const a = await workspace(fx, 'wsA', EVERY_TYPE, submitted);
    assert.equal(o4(fx, ['hydrate', a.root]).status, 0);
    const agentRuns = () => fx.depot.invocations().filter((i) => (i['argv'] as string[]).includes('-G')).length;
    const printsBefore = agentRuns();

    const b = await workspace(fx, 'wsB', EVERY_TYPE, submitted);
    const rb = o4(fx, ['hydrate', '--json', b.root]);
    assert.equal(rb.status, 0, rb.stderr);
    const jb = JSON.parse(rb.stdout) as { summary: { bySource: Record<string, { files: number }> } };
    assertHydratedExactly(fx, 'wsB', b.files);
    // Everything verifiable came from the store; only -K keyword files and p4-written families go to the server.
    assert.ok(jb.summary.bySource['store']!.files >= 10, JSON.stringify(jb.summary));

    // A third workspace with its own empty store: content comes from the sibling workspaces.
    writeConfig(fx, { store: { dir: join(fx.sb.dir, 'other-store') } });
    const c = await workspace(fx, 'wsC', EVERY_TYPE, submitted);
    const rc = o4(fx, ['hydrate', '--json', c.root]);
    assert.equal(rc.status, 0, rc.stderr);
    const jc = JSON.parse(rc.stdout) as { summary: { bySource: Record<string, { files: number }> } };
    assert.ok(jc.summary.bySource['sibling']!.files >= 10, JSON.stringify(jc.summary));
    assertHydratedExactly(fx, 'wsC', c.files);
    // Only the keyword file printed with -K cannot be reused: one p4 run per workspace.
    const serverCalls = agentRuns() - printsBefore;
    assert.ok(serverCalls <= 2, `almost no server traffic: ${serverCalls} p4 runs for two workspaces`);
  });

  it('copies from a seeded directory, and never from a copy that changed since it was indexed', async () => {
    const fx = fixture();
    const specs: DepotFileSpec[] = [
      { rel: 'a.txt', type: 'text', content: 'alpha\nbeta\n', lineEnd: 'unix' },
      { rel: 'b.bin', type: 'binary', content: Buffer.from('binary payload') },
      { rel: 'c.txt', type: 'text', content: 'gamma\n', lineEnd: 'unix' },
    ];
    const seed = join(fx.sb.dir, 'old-checkout');
    mkdirSync(join(seed, 'x'), { recursive: true });
    writeFileSync(join(seed, 'x/a-crlf.txt'), 'alpha\r\nbeta\r\n'); // a Windows checkout of a.txt
    writeFileSync(join(seed, 'b.bin'), 'binary payload');
    writeFileSync(join(seed, 'c.txt'), 'gamma\n');
    writeConfig(fx, { store: { dir: join(fx.sb.dir, 'seed-store') } });
    const r1 = o4(fx, ['seed', '--from', seed]);
    assert.equal(r1.status, 0, r1.stderr);
    assert.match(r1.stdout, /indexed 3 files/);
    writeFileSync(join(seed, 'c.txt'), 'changed after indexing\n');
    const w = await workspace(fx, 'seeded', specs);
    const r = o4(fx, ['hydrate', '--json', w.root]);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { files: Array<{ path: string; source: string }> };
    const source = (rel: string) => j.files.find((f) => f.path.endsWith(rel))!.source;
    assert.equal(source('a.txt'), 'seed');
    assert.equal(source('b.bin'), 'seed');
    assert.equal(source('c.txt'), 'server');
    assertHydratedExactly(fx, 'seeded', w.files);
    assert.equal(readFileSync(join(seed, 'x/a-crlf.txt'), 'utf8'), 'alpha\r\nbeta\r\n', 'a seed is never moved or changed');
  });

  it('selects by depot pattern, client pattern and directory, and --dry-run changes nothing', async () => {
    const fx = fixture();
    const w = await workspace(fx, 'sel');
    const dry = o4(fx, ['hydrate', '--dry-run', '//depot/main/doc/...']);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /would hydrate 3 files/);
    assert.ok(readLedger(fx.sb.home).files.every((f) => f['state'] === 'placeholder'));
    assert.equal(o4(fx, ['hydrate', '//depot/main/src/*.c']).status, 0);
    assert.equal(o4(fx, ['hydrate', '//sel/kw/...']).status, 0);
    assert.equal(o4(fx, ['hydrate', 'tools'], { cwd: w.root }).status, 0);
    const states = Object.fromEntries(readLedger(fx.sb.home).files.map((f) => [f['rel'], f['state']]));
    assert.equal(states['src/main.c'], 'hydrated');
    assert.equal(states['src/win.txt'], 'placeholder', '* does not match other extensions');
    assert.equal(states['kw/expanded.c'], 'hydrated');
    assert.equal(states['tools/run.sh'], 'hydrated');
    assert.equal(states['doc/bom.txt'], 'placeholder');
    const bad = o4(fx, ['hydrate', '//depot/.../x/...']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /only one "\.\.\."/);
    const outside = o4(fx, ['hydrate', '/etc']);
    assert.equal(outside.status, 2);
    assert.match(outside.stderr, /not inside any workspace/);
  });

  it('leaves a placeholder the user touched alone and says so', async () => {
    const fx = fixture();
    const w = await workspace(fx, 'touched', EVERY_TYPE.slice(0, 2));
    const p = w.files[0]!.path;
    chmodSync(p, 0o644);
    writeFileSync(p, 'my own edit\n');
    const r = o4(fx, ['hydrate', w.root]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /skipped 1 file/);
    assert.equal(readFileSync(p, 'utf8'), 'my own edit\n');
  });
});

describe('a Unicode-mode server', () => {
  it('writes unicode files in the client charset, verified, with file names kept in UTF-8', async () => {
    const fx = fixture(true);
    const specs: DepotFileSpec[] = [
      { rel: 'doc/d\u00e9j\u00e0.txt', type: 'unicode', content: 'd\u00e9j\u00e0 vu\n', lineEnd: 'unix', charset: '2' },
      { rel: 'doc/utf8.txt', type: 'unicode', content: 'uni \u2713\n', lineEnd: 'win', charset: '1' },
      { rel: 'doc/plain.txt', type: 'text', content: 'just text\n', lineEnd: 'unix', charset: '1' },
    ];
    const w = await workspace(fx, 'uni', specs);
    const r = o4(fx, ['hydrate', '--json', w.root]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assertHydratedExactly(fx, 'uni', w.files);
    assert.deepEqual(readFileSync(w.files[0]!.path), Buffer.from('d\u00e9j\u00e0 vu\n', 'latin1'));
    const prints = fx.depot.invocations().filter((i) => (i['argv'] as string[]).includes('print') && (i['argv'] as string[]).includes('-G'));
    assert.ok(prints.length > 0 && prints.every((i) => (i['argv'] as string[]).join(' ').includes('-C utf8')));
  });
});

describe('hydration failures', () => {
  it('a digest mismatch fails that file only, keeps its placeholder and row, and sets the exit code', async () => {
    const fx = fixture();
    const w = await workspace(fx, 'corrupt', EVERY_TYPE.slice(0, 5));
    const victim = w.files[4]!; // the binary
    const before = statSync(victim.path);
    const r = o4(fx, ['hydrate', w.root], { env: { ...fx.env, FAKE_P4_FAIL: `corrupt:${victim.depotFile}` } });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAILED 1 file/);
    assert.match(r.stdout, /does not match the server digest/);
    assert.equal(statSync(victim.path).ino, before.ino, 'placeholder untouched');
    const row = readLedger(fx.sb.home).files.find((f) => f['rel'] === victim.rel)!;
    assert.equal(row['state'], 'placeholder');
    assert.match(String(row['last_error']), /does not match/);
    assert.equal(readLedger(fx.sb.home).files.filter((f) => f['state'] === 'hydrated').length, 4);
    assert.deepEqual(temps(w.root), []);
  });

  it('retries connection failures with backoff, and reports bad credentials without retrying', async () => {
    const fx = fixture();
    writeConfig(fx, { p4: { backoffMs: 10 } });
    const w = await workspace(fx, 'flaky', EVERY_TYPE.slice(0, 3));
    const r = o4(fx, ['hydrate', w.root], { env: { ...fx.env, FAKE_P4_FAIL: 'refuse-first:2' } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /hydrated 3 files/);

    const fx2 = fixture();
    const w2 = await workspace(fx2, 'noauth', EVERY_TYPE.slice(0, 3));
    const before = fx2.depot.invocations().length;
    const r2 = o4(fx2, ['hydrate', w2.root], { env: { ...fx2.env, FAKE_P4_FAIL: 'auth' } });
    assert.equal(r2.status, 1);
    assert.match(r2.stdout, /Perforce password \(P4PASSWD\) invalid or unset\. Run 'p4 login'/);
    assert.equal(fx2.depot.invocations().length - before, 1, 'one failed login is enough to stop');
  });

  it('p4 dying mid-stream or hanging leaves no partial file and an honest report', async () => {
    const fx = fixture();
    writeConfig(fx, { p4: { retries: 1, backoffMs: 10, idleTimeoutSec: 1 } });
    const w = await workspace(fx, 'dies', EVERY_TYPE.slice(0, 5));
    const died = o4(fx, ['hydrate', w.root], { env: { ...fx.env, FAKE_P4_FAIL: 'die-after:2000' } });
    assert.equal(died.status, 1, died.stdout + died.stderr);
    assert.match(died.stdout, /output ends in the middle of a record|without printing every/);
    assert.deepEqual(temps(w.root), []);
    for (const row of readLedger(fx.sb.home).files) {
      if (row['state'] === 'placeholder') assert.equal(statSync(join(w.root, String(row['rel']))).mode & 0o777, 0);
    }
    const hung = o4(fx, ['hydrate', w.root], { env: { ...fx.env, FAKE_P4_FAIL: 'hang' } });
    assert.equal(hung.status, 1, hung.stdout + hung.stderr);
    assert.match(hung.stdout, /no output for 1 s/);
    assert.deepEqual(temps(w.root), []);
  });

  it(
    'a full disk fails the files that do not fit, leaves nothing half-written, and keeps their placeholders',
    { skip: !isRoot && 'needs root to mount a tmpfs' },
    async () => {
      const fx = fixture();
      const root = join(fx.sb.dir, 'tiny');
      mkdirSync(root, { recursive: true });
      const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', root]);
      if (m.status !== 0) return;
      mounts.push(root);
      const specs: DepotFileSpec[] = Array.from({ length: 6 }, (_, i) => ({ rel: `f${i}.bin`, type: 'binary', content: Buffer.alloc(100_000, i) }));
      const submitted = submitFiles(fx, specs);
      const files = await syncPlaceholders(fx, 'tiny', root, submitted);
      const r = o4(fx, ['hydrate', root]);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /no space left on device/);
      assert.deepEqual(temps(root), []);
      for (const f of files) {
        const row = readLedger(fx.sb.home).files.find((x) => x['rel'] === f.rel)!;
        const data = row['state'] === 'hydrated' ? readFileSync(f.path) : undefined;
        if (data) assert.equal(data.length, 100_000);
        else assert.equal(statSync(f.path).mode & 0o777, 0, `${f.rel} stays a placeholder`);
      }
    },
  );

  it('Ctrl-C stops cleanly: finished files stay hydrated, the rest stay placeholders, no temp files', async () => {
    const fx = fixture();
    writeConfig(fx, { p4: { batchFiles: 1, poolSize: 1 } });
    const specs: DepotFileSpec[] = Array.from({ length: 30 }, (_, i) => ({
      rel: `many/f${i}.txt`,
      type: 'text',
      content: `file ${i}\n`,
      lineEnd: 'unix',
    }));
    const w = await workspace(fx, 'interrupt', specs);
    const child = spawn(AGENT_BIN, ['hydrate', w.root], { env: { ...fx.env, FAKE_P4_LATENCY_MS: '150' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 130, out);
    assert.match(out, /not done \d+ files \(interrupted; still placeholders\)/);
    const rows = readLedger(fx.sb.home).files;
    const hydrated = rows.filter((f) => f['state'] === 'hydrated');
    assert.ok(hydrated.length > 0 && hydrated.length < 30, `hydrated ${hydrated.length}`);
    for (const row of rows) {
      const p = join(w.root, String(row['rel']));
      if (row['state'] === 'hydrated') assert.match(readFileSync(p, 'utf8'), /^file \d+\n$/);
      else assert.equal(statSync(p).mode & 0o777, 0);
    }
    assert.deepEqual(temps(w.root), []);
  });
});

describe('chmod to writable (p4 edit)', () => {
  it('hydrates the placeholder before it becomes writable, and fails cleanly when it cannot', async () => {
    const fx = fixture();
    const w = await workspace(fx, 'edit', EVERY_TYPE.slice(0, 5));
    const agent = new AltsyncAgentProcess({
      p4altsync: `"${AGENT_BIN}" altsync`,
      env: fx.env,
      cwd: fx.sb.dir,
      identity: { port: PORT, client: 'edit', user: USER },
    });
    try {
      const f = w.files[0]!;
      const ex = await agent.request('chmod', { path: f.path, writable: 'true', executable: 'false', depotFile: f.depotFile, rev: String(f.rev) });
      assert.equal(ex.verdict.ok, true, ex.raw.toString());
      assert.deepEqual(readFileSync(f.path), referenceBytes(fx, 'edit', f));
      assert.equal(statSync(f.path).mode & 0o222, 0o222 & ~process.umask(), 'writable now');
      const row = readLedger(fx.sb.home).files.find((x) => x['rel'] === f.rel)!;
      assert.equal(row['state'], 'hydrated');
      assert.equal(row['writable'], 1);

      const g = w.files[4]!;
      const broken = new AltsyncAgentProcess({
        p4altsync: `"${AGENT_BIN}" altsync`,
        env: { ...fx.env, FAKE_P4_FAIL: 'refuse' },
        cwd: fx.sb.dir,
        identity: { port: PORT, client: 'edit', user: USER },
      });
      writeConfig(fx, { p4: { retries: 0 } });
      const failed = await broken.request('chmod', { path: g.path, writable: 'true', executable: 'false' });
      await broken.quit();
      assert.equal(failed.verdict.ok, false);
      assert.match(String(failed.verdict.fields['error']), /cannot open .* for edit: hydrating it failed: p4 cannot reach the server/);
      assert.equal(statSync(g.path).mode & 0o777, 0, 'still a read-only (unreadable) placeholder');

      // A placeholder that was only touched (times moved, nothing written) is still empty: it is
      // hydrated. One with content written into it is a local edit: made writable, left as it is.
      const touched = w.files[1]!;
      utimesSync(touched.path, new Date(), new Date(Date.now() + 5000));
      const t = await agent.request('chmod', { path: touched.path, writable: 'true', executable: 'false' });
      assert.equal(t.verdict.ok, true, t.raw.toString());
      assert.deepEqual(readFileSync(touched.path), referenceBytes(fx, 'edit', touched));
      const written = w.files[2]!;
      chmodSync(written.path, 0o600);
      writeFileSync(written.path, 'my own words\n', { flag: 'r+' });
      const e = await agent.request('chmod', { path: written.path, writable: 'true', executable: 'false' });
      assert.equal(e.verdict.ok, true, e.raw.toString());
      assert.equal(readFileSync(written.path, 'utf8').slice(0, 13), 'my own words\n', 'the local edit is kept');
      assert.equal(statSync(written.path).mode & 0o222, 0o222 & ~process.umask());
    } finally {
      await agent.quit();
    }
  });
});
