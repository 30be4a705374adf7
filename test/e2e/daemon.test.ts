/**
 * The daemon end to end: the real `o4-agent daemon run` process over a workspace whose placeholders
 * the real agent made, driven by the real CLI and by file changes on disk, with the fake p4 serving
 * content. States are read back from the ledger itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  utimesSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DaemonProcess, until } from '../support/daemon-process.js';
import { fileRow, readLedger } from '../support/ledger-view.js';
import {
  createP4Fixture,
  o4,
  submitFiles,
  syncPlaceholders,
  writeConfig,
  type DepotFileSpec,
  type P4Fixture,
  type SyncedFile,
} from '../support/p4-fixture.js';

const fixtures: P4Fixture[] = [];
const daemons: DaemonProcess[] = [];
after(async () => {
  await Promise.all(daemons.map((d) => d.kill()));
  fixtures.forEach((f) => f.cleanup());
});

const isRoot = process.getuid?.() === 0;

function textFiles(prefix: string, n: number): DepotFileSpec[] {
  return Array.from({ length: n }, (_, i) => ({ rel: `${prefix}/f${i}.txt`, type: 'text', content: `file ${prefix} ${i}\n`, lineEnd: 'unix' }));
}

async function setup(client: string, specs: DepotFileSpec[], config: unknown = {}): Promise<{ fx: P4Fixture; root: string; files: SyncedFile[] }> {
  const fx = createP4Fixture('o4-daemon-');
  fixtures.push(fx);
  writeConfig(fx, config);
  const root = join(fx.sb.dir, client);
  const files = await syncPlaceholders(fx, client, root, submitFiles(fx, specs));
  return { fx, root, files };
}

async function startDaemon(fx: P4Fixture, extraEnv: NodeJS.ProcessEnv = {}): Promise<DaemonProcess> {
  const d = await DaemonProcess.start(fx.env, fx.sb.dir, extraEnv);
  daemons.push(d);
  return d;
}

/** The daemon logs "watching workspace" once the watcher is up and the start-up reconciliation ran. */
async function watching(fx: P4Fixture, times = 1): Promise<void> {
  const logFile = join(fx.sb.home, 'log', 'o4-agent.log');
  await until(
    () => existsSync(logFile) && (readFileSync(logFile, 'utf8').match(/"msg":"watching workspace"/g)?.length ?? 0) >= times,
    20_000,
    'the watcher to be ready',
  );
}

/** Exited, or a zombie nobody reaped (the detached daemon's parent is gone; pid 1 may not reap). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function state(fx: P4Fixture, rel: string): unknown {
  return fileRow(fx.sb.home, rel)?.['state'];
}

async function stateBecomes(fx: P4Fixture, rel: string, expected: string): Promise<void> {
  await until(() => state(fx, rel) === expected, 15_000, `${rel} to become ${expected} (is ${String(state(fx, rel))})`);
}

function statusJson(fx: P4Fixture): Record<string, unknown> & { running: boolean } {
  const r = o4(fx, ['daemon', 'status', '--json']);
  return JSON.parse(r.stdout) as Record<string, unknown> & { running: boolean };
}

describe('daemon lifecycle', () => {
  it('starts once, refuses a second instance, reports status, stops on request', async () => {
    const { fx, root } = await setup('life', textFiles('a', 3));
    const started = o4(fx, ['daemon', 'start']);
    assert.equal(started.status, 0, started.stderr);
    const pid = Number(/pid (\d+)/.exec(started.stdout)?.[1]);
    assert.ok(pid > 0, started.stdout);
    try {
      const second = o4(fx, ['daemon', 'start']);
      assert.equal(second.status, 4, second.stdout + second.stderr);
      assert.match(second.stderr, new RegExp(`already running \\(pid ${pid}\\)`));
      // Even run directly (as systemd would), a second daemon for the same state directory gives up.
      const run = o4(fx, ['daemon', 'run']);
      assert.equal(run.status, 4, run.stdout + run.stderr);
      assert.match(run.stderr, /already running/);

      await watching(fx);
      const s = statusJson(fx);
      assert.equal(s.running, true);
      assert.equal(s['pid'], pid);
      const watchers = s['watchers'] as Array<Record<string, unknown>>;
      assert.deepEqual(
        watchers.map((w) => [w['client'], w['root'], w['mode']]),
        [['life', root, 'inotify']],
      );
      const human = o4(fx, ['daemon', 'status']);
      assert.equal(human.status, 0);
      assert.match(human.stdout, new RegExp(`daemon: running, pid ${pid}`));
      assert.match(human.stdout, new RegExp(`watching ${root} \\(life\\): inotify`));

      // The socket is private: its directory 0700, the socket 0600.
      const announced = JSON.parse(readFileSync(join(fx.sb.home, 'run', 'daemon.json'), 'utf8')) as { pid: number; socket: string };
      assert.equal(announced.pid, pid);
      assert.equal(statSync(announced.socket).mode & 0o777, 0o600);
      assert.equal(statSync(join(announced.socket, '..')).mode & 0o777, 0o700);
    } finally {
      const stopped = o4(fx, ['daemon', 'stop']);
      assert.equal(stopped.status, 0, stopped.stderr);
      assert.match(stopped.stdout, new RegExp(`stopped \\(pid ${pid}\\)`));
    }
    assert.equal(alive(pid), false, 'the daemon process is gone');
    const after = o4(fx, ['daemon', 'status']);
    assert.equal(after.status, 4);
    assert.match(after.stderr, /not running/);
    assert.match(after.stderr, /hint: start it with/);
    assert.equal(existsSync(join(fx.sb.home, 'run', 'daemon.json')), false, 'the announcement is withdrawn');
    // Stopping what does not run is no error.
    assert.equal(o4(fx, ['daemon', 'stop']).status, 0);
  });

  it('after SIGKILL mid-hydration the ledger is intact and a new daemon starts over the stale socket', async () => {
    const { fx, root, files } = await setup('crash', textFiles('c', 40));
    // Slow server: the kill lands while files are being fetched.
    const first = await startDaemon(fx, { FAKE_P4_LATENCY_MS: '300' });
    await watching(fx);
    const q = o4(fx, ['hydrate', '--background', root]);
    assert.equal(q.status, 0, q.stderr);
    assert.match(q.stdout, /queued 40 files/);
    await new Promise((r) => setTimeout(r, 500));
    await first.kill();

    const integrity = spawnSync('sqlite3', [join(fx.sb.home, 'ledger.sqlite'), 'PRAGMA integrity_check'], { encoding: 'utf8' });
    if (!integrity.error) assert.equal(integrity.stdout.trim(), 'ok');
    const rows = readLedger(fx.sb.home).files;
    assert.equal(rows.length, files.length, 'every row survived');
    for (const row of rows) {
      assert.ok(row['state'] === 'placeholder' || row['state'] === 'hydrated', `${String(row['rel'])}: ${String(row['state'])}`);
      if (row['state'] === 'hydrated')
        assert.equal(readFileSync(join(root, String(row['rel'])), 'utf8'), `file c ${/f(\d+)/.exec(String(row['rel']))![1]}\n`);
    }

    const second = await startDaemon(fx);
    await watching(fx, 2);
    assert.equal(statusJson(fx)['pid'], second.pid);
    const rest = o4(fx, ['hydrate', '--background', root]);
    assert.equal(rest.status, 0, rest.stderr);
    await until(() => readLedger(fx.sb.home).files.every((f) => f['state'] === 'hydrated'), 30_000, 'the rest to be hydrated');
    for (const f of files) assert.equal(readFileSync(f.path, 'utf8'), f.content);
    const stopped = await second.stop();
    assert.equal(stopped.code, 0, second.log);
  });
});

describe('edit detection', () => {
  it('records edits, deletions and restorations, and ignores its own writes', async () => {
    const { fx, root, files } = await setup('edits', textFiles('e', 6));
    assert.equal(o4(fx, ['hydrate', join(root, 'e/f0.txt'), join(root, 'e/f1.txt'), join(root, 'e/f2.txt')]).status, 0);
    await startDaemon(fx);
    await watching(fx);

    // A placeholder only touched (a backup tool restoring times): still a placeholder.
    utimesSync(files[5]!.path, new Date(), new Date(Date.now() - 86_400_000));
    await new Promise((r) => setTimeout(r, 1500)); // past the watcher's coalescing window
    assert.equal(state(fx, 'e/f5.txt'), 'placeholder');
    // An edit of a hydrated file.
    writeFileSync(files[0]!.path, 'my change\n');
    await stateBecomes(fx, 'e/f0.txt', 'modified');
    // A deletion.
    unlinkSync(files[1]!.path);
    await stateBecomes(fx, 'e/f1.txt', 'missing');
    // The same revision back (e.g. restored from a backup): read, digest matches, hydrated again.
    writeFileSync(files[1]!.path, String(files[1]!.content));
    await stateBecomes(fx, 'e/f1.txt', 'hydrated');
    // An edit undone by hand: the content matches the revision again.
    writeFileSync(files[0]!.path, String(files[0]!.content));
    await stateBecomes(fx, 'e/f0.txt', 'hydrated');
    // A deleted placeholder is missing too.
    unlinkSync(files[3]!.path);
    await stateBecomes(fx, 'e/f3.txt', 'missing');
    // Editor-style save (write temp, rename over) counts as an edit.
    writeFileSync(`${files[2]!.path}.swp`, 'saved by an editor\n');
    renameSync(`${files[2]!.path}.swp`, files[2]!.path);
    await stateBecomes(fx, 'e/f2.txt', 'modified');
    // A directory in a file's place: the file is gone, and the directory is not taken for an edit.
    unlinkSync(files[2]!.path);
    mkdirSync(files[2]!.path);
    await stateBecomes(fx, 'e/f2.txt', 'missing');

    // Hydration while the daemon watches: its own writes are not edits.
    const h = o4(fx, ['hydrate', join(root, 'e/f4.txt'), join(root, 'e/f5.txt')]);
    assert.equal(h.status, 0, h.stderr);
    await new Promise((r) => setTimeout(r, 1500)); // past the watcher's coalescing window
    assert.equal(state(fx, 'e/f4.txt'), 'hydrated');
    assert.equal(state(fx, 'e/f5.txt'), 'hydrated');

    // A whole directory removed.
    rmSync(join(root, 'e'), { recursive: true, force: true });
    await until(() => readLedger(fx.sb.home).files.every((f) => f['state'] === 'missing'), 15_000, 'every file to be missing');
    // status agrees with the ledger, and says the daemon is watching.
    const s = JSON.parse(o4(fx, ['status', '--json']).stdout) as { workspaces: Array<{ client: string; states: Record<string, { files: number }> }> };
    const ws = s.workspaces.find((w) => w.client === 'edits')!;
    assert.equal(ws.states['missing']?.files, 6);
  });

  it('catches up at start with what changed while it was not running', async () => {
    const { fx, files } = await setup('catchup', textFiles('k', 3));
    unlinkSync(files[0]!.path);
    writeFileSync(files[1]!.path, 'edited offline\n', { mode: 0o644 });
    await startDaemon(fx);
    await watching(fx);
    assert.equal(state(fx, 'k/f0.txt'), 'missing');
    assert.equal(state(fx, 'k/f1.txt'), 'modified');
    assert.equal(state(fx, 'k/f2.txt'), 'placeholder');
  });

  it('never loses a write that follows a chmod on the same file within microseconds', async () => {
    // chokidar drops an event that follows another on the same file within 5 ms when the first
    // changed no mtime (a chmod): exactly what an editor or `p4 edit` then a save does.
    // It bites when the file was read since its last write (atime past mtime: the chmod event
    // shows no change) and the write lands within those 5 ms: chokidar then reported 46 of 200.
    const n = 200;
    const { fx, files } = await setup('chmodwrite', textFiles('w', n));
    await startDaemon(fx);
    await watching(fx);
    await new Promise((r) => setTimeout(r, 1100));
    for (const f of files) readFileSync(f.path);
    for (const f of files) {
      chmodSync(f.path, 0o644);
      await new Promise((r) => setTimeout(r, 1));
      writeFileSync(f.path, 'edited right after the chmod\n');
    }
    await until(() => readLedger(fx.sb.home).counts.some((c) => c['state'] === 'modified' && c['files'] === n), 20_000, `${n} modified files`);
  });

  it('follows directories moved away and back, with one inotify watch per directory', async () => {
    const specs = [...textFiles('top/a', 3), ...textFiles('top/b', 3), ...textFiles('other', 2)];
    const { fx, root } = await setup('dirs', specs);
    await startDaemon(fx);
    await watching(fx);
    const dirsWatched = () => (statusJson(fx)['watchers'] as Array<{ directories: number }>)[0]!.directories;
    // root, top, top/a, top/b, other
    assert.equal(dirsWatched(), 5);
    renameSync(join(root, 'top'), join(fx.sb.dir, 'parked'));
    await until(() => readLedger(fx.sb.home).files.filter((f) => f['state'] === 'missing').length === 6, 15_000, 'top/* missing');
    assert.equal(state(fx, 'other/f0.txt'), 'placeholder');
    assert.equal(dirsWatched(), 2);
    // Back again: the very same inodes, so the placeholders are placeholders again.
    renameSync(join(fx.sb.dir, 'parked'), join(root, 'top'));
    await until(() => readLedger(fx.sb.home).files.every((f) => f['state'] === 'placeholder'), 15_000, 'top/* back as placeholders');
    assert.equal(dirsWatched(), 5);
    // And an edit inside the directory that came back is seen: its watch is new.
    writeFileSync(join(root, 'top/b/f1.txt'), 'edited after the move\n');
    await stateBecomes(fx, 'top/b/f1.txt', 'modified');
  });

  it('with watching off, the periodic rescan still records local changes', async () => {
    const { fx, files } = await setup('rescan', textFiles('q', 2), { daemon: { watch: false, rescanIntervalSec: 1 } });
    await startDaemon(fx);
    assert.deepEqual(statusJson(fx)['watchers'], []);
    writeFileSync(files[0]!.path, 'changed with nobody watching\n');
    unlinkSync(files[1]!.path);
    await stateBecomes(fx, 'q/f0.txt', 'modified');
    await stateBecomes(fx, 'q/f1.txt', 'missing');
  });

  it('keeps up with a burst of thousands of edits in one batch', async () => {
    const n = 3000;
    const { fx, root, files } = await setup('burst', textFiles('b', n));
    await startDaemon(fx);
    await watching(fx);
    for (const f of files) writeFileSync(f.path, `rewritten ${f.rel}\n`, { mode: 0o644 });
    await until(() => readLedger(fx.sb.home).counts.some((c) => c['state'] === 'modified' && c['files'] === n), 60_000, `${n} modified files`);
    const s = statusJson(fx);
    const w = (s['watchers'] as Array<{ events: number; root: string }>).find((x) => x.root === root)!;
    assert.ok(w.events >= n, `events ${w.events}`);
    // Coalesced: far fewer ledger transactions than files (one log line per batch).
    const batches = (readFileSync(join(fx.sb.home, 'log', 'o4-agent.log'), 'utf8').match(/"msg":"local changes recorded"/g) ?? []).length;
    assert.ok(batches >= 1 && batches < n / 20, `batches ${batches}`);
  });
});

describe('background hydration', () => {
  it('hydrates pinned trees at start and prefetch rules after them; pause holds the queue, resume drains it', async () => {
    const specs = [...textFiles('tools', 5), ...textFiles('docs', 5), ...textFiles('src', 5)];
    const { fx, root } = await setup('rules', specs, {
      workspaces: { rules: { pin: ['//depot/main/tools/...'], prefetch: ['docs/...'] } },
    });
    const d = await startDaemon(fx);
    await watching(fx);
    await until(
      () => readLedger(fx.sb.home).files.filter((f) => f['state'] === 'hydrated').length === 10,
      20_000,
      'pinned and prefetched files to be hydrated',
    );
    const rows = readLedger(fx.sb.home).files;
    for (const row of rows) {
      const expected = String(row['rel']).startsWith('src/') ? 'placeholder' : 'hydrated';
      assert.equal(row['state'], expected, String(row['rel']));
    }
    assert.equal(readFileSync(join(root, 'tools/f3.txt'), 'utf8'), 'file tools 3\n');

    const paused = o4(fx, ['daemon', 'pause']);
    assert.equal(paused.status, 0, paused.stderr);
    assert.equal(statusJson(fx)['paused'], true);
    const q = o4(fx, ['hydrate', '--background', join(root, 'src')]);
    assert.equal(q.status, 0, q.stderr);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(readLedger(fx.sb.home).files.filter((f) => f['state'] === 'placeholder').length, 5, 'nothing hydrated while paused');
    assert.equal((statusJson(fx)['queue'] as { explicit: number }).explicit, 5);
    assert.match(o4(fx, ['daemon', 'status']).stdout, /PAUSED/);

    assert.equal(o4(fx, ['daemon', 'resume']).status, 0);
    await until(() => readLedger(fx.sb.home).files.every((f) => f['state'] === 'hydrated'), 20_000, 'the queue to drain');
    assert.equal((await d.stop()).code, 0);
  });

  it('pauses server fetches after repeated failures (breaker) and reports why', async () => {
    const { fx, root } = await setup('breaker', textFiles('x', 4), {
      daemon: { batchFiles: 1, breakerFailures: 2, breakerCooldownSec: 600 },
      p4: { retries: 0 },
    });
    await startDaemon(fx, { FAKE_P4_FAIL: 'refuse' });
    await watching(fx);
    assert.equal(o4(fx, ['hydrate', '--background', root]).status, 0);
    await until(() => (statusJson(fx)['breaker'] as { open: boolean }).open, 20_000, 'the breaker to open');
    const s = statusJson(fx);
    const breaker = s['breaker'] as { failures: number; lastError: string };
    assert.equal(breaker.failures, 2);
    assert.match(breaker.lastError, /connect|refused|TCP/i);
    assert.match(o4(fx, ['daemon', 'status']).stdout, /server fetches PAUSED after 2 failures/);
    // The remaining files wait in the queue, untouched, instead of hammering the server.
    const prints = () => fx.depot.invocations().filter((i) => (i['argv'] as string[]).includes('print')).length;
    const before = prints();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(prints(), before, 'no p4 runs while the breaker is open');
    assert.equal(readLedger(fx.sb.home).files.filter((f) => f['state'] === 'placeholder').length, 4);
  });

  it('reload picks up new rules, and a broken configuration keeps the old one running', async () => {
    const { fx, root } = await setup('reload', textFiles('r', 3));
    const d = await startDaemon(fx);
    await watching(fx);
    writeFileSync(join(fx.sb.home, 'config.json'), '{ "daemon": { "batchFiles": "many" } }');
    const bad = o4(fx, ['daemon', 'reload']);
    assert.equal(bad.status, 3, bad.stderr);
    assert.match(bad.stderr, /configuration not reloaded: .*batchFiles.*\(the daemon keeps the previous configuration\)/);
    assert.match(JSON.stringify(statusJson(fx)['lastError']), /configuration not reloaded.*batchFiles/);
    writeConfig(fx, { workspaces: { reload: { pin: ['r/f1.txt'] } } });
    process.kill(d.pid, 'SIGHUP');
    await stateBecomes(fx, 'r/f1.txt', 'hydrated');
    assert.equal(readFileSync(join(root, 'r/f1.txt'), 'utf8'), 'file r 1\n');
    assert.equal(state(fx, 'r/f0.txt'), 'placeholder');
    assert.ok(d.running);
  });
});

describe('daemon socket', () => {
  it('refuses a socket owned by someone else, and malformed requests get an error line', { skip: !isRoot && 'needs root to chown' }, async () => {
    const { fx } = await setup('sock', textFiles('s', 1));
    await startDaemon(fx);
    const socket = (JSON.parse(readFileSync(join(fx.sb.home, 'run', 'daemon.json'), 'utf8')) as { socket: string }).socket;

    const answers = await new Promise<string[]>((resolve, reject) => {
      const c = createConnection(socket);
      let got = '';
      c.on('data', (d) => {
        got += d.toString();
        if (got.split('\n').length > 3) {
          c.end();
          resolve(got.trim().split('\n'));
        }
      });
      c.on('error', reject);
      c.write('not json\n{"id":7,"method":"explode"}\n{"id":8,"method":"ping"}\n');
    });
    assert.match(answers[0]!, /"ok":false/);
    assert.match(answers[1]!, /"id":7,"ok":false.*invalid daemon request/);
    assert.match(answers[2]!, /"id":8,"ok":true/);

    chownSync(socket, 65534, 65534);
    const r = o4(fx, ['daemon', 'status']);
    assert.equal(r.status, 4);
    assert.match(r.stderr, /belongs to uid 65534.*refusing/);
    // status still reports the ledger, and says why the daemon is left alone.
    const st = o4(fx, ['status']);
    assert.equal(st.status, 0, st.stderr);
    assert.match(st.stdout, /daemon: .*belongs to uid 65534.*refusing/);
  });

  it('a client in another environment finds the daemon through its announcement', async () => {
    const { fx } = await setup('env', textFiles('n', 1));
    // Started with a private runtime directory (as the system unit does) ...
    const runtime = join(fx.sb.dir, 'runtime');
    mkdirSync(runtime, { mode: 0o700 });
    const env: NodeJS.ProcessEnv = { ...fx.env, XDG_RUNTIME_DIR: runtime };
    delete env['O4_AGENT_HOME'];
    const stateHome = join(fx.sb.dir, 'xdg-state');
    env['XDG_STATE_HOME'] = stateHome;
    env['O4_AGENT_CONFIG'] = join(fx.sb.home, 'config.json');
    const d = await DaemonProcess.start(env, fx.sb.dir);
    daemons.push(d);
    // ... and asked from a shell with another one.
    const other = { ...env, XDG_RUNTIME_DIR: join(fx.sb.dir, 'elsewhere') };
    const r = o4(fx, ['daemon', 'status', '--json'], { env: other });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { pid: number }).pid, d.pid);
    assert.equal((await d.stop()).code, 0);
  });
});

describe('systemd units', () => {
  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  const repo = join(import.meta.dirname, '..', '..', '..');

  it(
    'o4-agent.service and o4-agent@.service pass systemd-analyze verify',
    { skip: analyze.error !== undefined && 'systemd-analyze is not installed' },
    () => {
      const fx = createP4Fixture('o4-units-');
      fixtures.push(fx);
      const dir = join(fx.sb.dir, 'units');
      // The unit as `daemon install-unit` writes it, pointing at this checkout's launcher.
      const installed = o4(fx, ['daemon', 'install-unit', '--unit-dir', dir]);
      assert.equal(installed.status, 0, installed.stderr);
      const unit = readFileSync(join(dir, 'o4-agent.service'), 'utf8');
      assert.match(unit, new RegExp(`^ExecStart=${join(repo, 'bin', 'o4-agent')} daemon run --home ${fx.sb.home}$`, 'm'));
      assert.match(unit, /^Type=notify$/m);
      const template = readFileSync(join(repo, 'systemd', 'o4-agent@.service'), 'utf8').replace(
        /^ExecStart=\S+/m,
        `ExecStart=${join(repo, 'bin', 'o4-agent')}`,
      );
      writeFileSync(join(dir, 'o4-agent@.service'), template);

      for (const name of ['o4-agent.service', 'o4-agent@builder.service']) {
        const r = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, name)], { encoding: 'utf8' });
        // Unknown keys and bad values are only warnings: any output at all is a failure.
        const complaints = `${r.stderr}${r.stdout}`.split('\n').filter((l) => l.trim() && !/User .*builder.* not found|Special user/.test(l));
        assert.deepEqual(complaints, [], name);
        assert.equal(r.status, 0, name);
      }

      // The check itself can fail: a misspelt key is reported.
      writeFileSync(join(dir, 'broken.service'), unit.replace('Restart=on-failure', 'Restartt=on-failure'));
      const broken = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, 'broken.service')], { encoding: 'utf8' });
      assert.match(broken.stderr, /Unknown key( name)? 'Restartt'/);
    },
  );
});
