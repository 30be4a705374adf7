/**
 * The command line end to end: the real `bin/o4-agent` against workspaces whose placeholders the
 * real agent made and whose content the fake p4 served. Every verb is checked for its human output,
 * its --json output and its exit code; expected numbers come from the fixture, never from the code.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VERBS } from '../../src/cli/verbs.js';
import { readMarker, removeMarker } from '../../src/fs/marker.js';
import { readLedger } from '../support/ledger-view.js';
import {
  PORT,
  USER,
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
after(() => fixtures.forEach((f) => f.cleanup()));
function fixture(): P4Fixture {
  const fx = createP4Fixture('o4-cli-');
  fixtures.push(fx);
  return fx;
}

/** Root reads the xattrs of a mode-000 placeholder; other users cannot, and o4-agent then skips them. */
const isRoot = process.getuid?.() === 0;
const EXIT = { OK: 0, PARTIAL: 1, USAGE: 2, ENVIRONMENT: 3 } as const;
const STATES = ['placeholder', 'hydrated', 'modified', 'missing'] as const;
type State = (typeof STATES)[number];

async function workspace(fx: P4Fixture, client: string, specs: DepotFileSpec[], submitted = submitFiles(fx, specs)) {
  const root = join(fx.sb.dir, client);
  const files = await syncPlaceholders(fx, client, root, submitted);
  const byRel = (rel: string): SyncedFile => files.find((f) => f.rel === rel) ?? assert.fail(`no fixture file ${rel}`);
  return { root, files, byRel };
}

/** Runs the CLI and checks its exit code, showing everything it printed when that fails. */
function cli(fx: P4Fixture, args: readonly string[], status: number, opts: { cwd?: string } = {}): SpawnSyncReturns<string> {
  const r = o4(fx, args, opts);
  assert.equal(r.status, status, `o4-agent ${args.join(' ')} exited ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

function cliJson<T>(fx: P4Fixture, args: readonly string[], status: number = EXIT.OK, opts: { cwd?: string } = {}): T {
  const r = cli(fx, ['--json', ...args], status, opts);
  return JSON.parse(r.stdout) as T;
}

/** A usage error: the exit code, one clear line on stderr, nothing on stdout (no half-written JSON). */
function usageError(fx: P4Fixture, args: readonly string[], message: RegExp, opts: { cwd?: string } = {}): string {
  const r = cli(fx, args, EXIT.USAGE, opts);
  assert.equal(r.stdout, '', `nothing on stdout for ${args.join(' ')}`);
  assert.match(r.stderr, /^o4-agent: /);
  assert.match(r.stderr, message);
  return r.stderr;
}

/** Sizes as the CLI shows them, for the sizes these tests use (below 100 KiB). */
function humanBytes(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`;
}

/** The identity of what is on disk: replaced, resized, rewritten or re-moded files all differ. */
function diskSig(path: string): string {
  const st = lstatSync(path, { bigint: true });
  return `${st.ino}:${st.size}:${st.mtimeNs}:${st.mode}`;
}

/** Rewrites a (read-only) file in place, keeping its inode and mode. */
function rewrite(path: string, data: string | Buffer): void {
  const mode = statSync(path).mode & 0o777;
  chmodSync(path, mode | 0o200);
  writeFileSync(path, data);
  chmodSync(path, mode);
}

function ledgerRow(fx: P4Fixture, client: string, rel: string): Record<string, unknown> | undefined {
  return readLedger(fx.sb.home).files.find((f) => f['client'] === client && f['rel'] === rel);
}

function text(rel: string, content: string): DepotFileSpec {
  return { rel, type: 'text', content, lineEnd: 'unix' };
}

function binary(rel: string, size: number, seed: number): DepotFileSpec {
  return { rel, type: 'binary', content: Buffer.from(Array.from({ length: size }, (_, i) => (i * seed + 7) & 0xff)) };
}

describe('o4-agent status and why', () => {
  const SPECS: DepotFileSpec[] = [
    text('src/app.c', 'int app;\n'),
    text('src/lib.c', 'int lib(void) { return 1; }\n'),
    binary('assets/big.bin', 20_000, 31),
    binary('assets/icon.bin', 700, 17),
    text('docs/readme.txt', 'read me first\n'),
    text('docs/gone.txt', 'soon gone\n'),
    { rel: 'tools/run.sh', type: 'text+x', content: '#!/bin/sh\necho run\n', lineEnd: 'unix', executable: true },
  ];
  /** What each file is made into before the tests look. */
  const ROLE: Record<string, State> = {
    'src/app.c': 'hydrated',
    'src/lib.c': 'modified',
    'assets/big.bin': 'hydrated',
    'assets/icon.bin': 'placeholder',
    'docs/readme.txt': 'placeholder',
    'docs/gone.txt': 'missing',
    'tools/run.sh': 'placeholder',
  };
  let fx: P4Fixture;
  let ws: Awaited<ReturnType<typeof workspace>>;
  let started: number;

  /** Files and bytes per state, from the fixture, for the files `inScope` selects. */
  function expected(inScope: (rel: string) => boolean = () => true): Record<State, { files: number; bytes: number }> {
    const out = Object.fromEntries(STATES.map((s) => [s, { files: 0, bytes: 0 }])) as Record<State, { files: number; bytes: number }>;
    for (const f of ws.files.filter((x) => inScope(x.rel))) {
      out[ROLE[f.rel]!].files++;
      out[ROLE[f.rel]!].bytes += f.fileSize;
    }
    return out;
  }

  before(async () => {
    fx = fixture();
    ws = await workspace(fx, 'glance', SPECS);
    started = Date.now();
    const toHydrate = Object.keys(ROLE).filter((rel) => ROLE[rel] === 'hydrated' || ROLE[rel] === 'modified');
    const h = cli(fx, ['hydrate', ...toHydrate.map((rel) => join(ws.root, rel))], EXIT.OK);
    assert.match(h.stdout, new RegExp(`hydrated ${toHydrate.length} files`));
    // Local changes the ledger has not seen yet; without a daemon, verify --repair records them.
    rewrite(ws.byRel('src/lib.c').path, 'int lib(void) { return 2; } /* local edit */\n');
    rmSync(ws.byRel('docs/gone.txt').path);
    const v = cliJson<{ findings: Array<{ kind: string; path: string }> }>(fx, ['verify', '--repair'], EXIT.OK);
    assert.deepEqual(v.findings.map((f) => [f.kind, f.path]).sort(), [
      ['changed', ws.byRel('src/lib.c').path],
      ['missing', ws.byRel('docs/gone.txt').path],
    ]);
  });

  interface StatusJson {
    workspaces: Array<{
      client: string;
      port: string;
      root: string;
      user: string | null;
      scope: string;
      states: Record<State, { files: number; bytes: number }>;
      files: number;
      bytes: number;
      hydrated: { filesPercent: number; bytesPercent: number };
      watcher: string;
      top?: Array<{ dir: string; files: number; bytes: number }>;
    }>;
    daemon: { running: boolean };
  }

  it('status --json: files and bytes per state match what the workspace holds', () => {
    const j = cliJson<StatusJson>(fx, ['status']);
    assert.equal(j.workspaces.length, 1);
    const w = j.workspaces[0]!;
    assert.deepEqual([w.client, w.port, w.root, w.user, w.scope], ['glance', PORT, ws.root, USER, ws.root]);
    const want = expected();
    assert.deepEqual(w.states, want);
    assert.equal(w.files, SPECS.length);
    assert.equal(
      w.bytes,
      ws.files.reduce((a, f) => a + f.fileSize, 0),
    );
    assert.equal(w.hydrated.filesPercent, Math.round((want.hydrated.files * 1000) / SPECS.length) / 10);
    assert.equal(w.hydrated.bytesPercent, Math.round((want.hydrated.bytes * 1000) / w.bytes) / 10);
    assert.equal(w.top, undefined, 'no directory list unless --top asks');
    assert.deepEqual(j.daemon, { running: false });
    assert.equal(w.watcher, 'daemon not running');
  });

  it('status: the human table shows the same counts and sizes, and says the daemon is not running', () => {
    const r = cli(fx, ['status'], EXIT.OK);
    const want = expected();
    const rows = new Map<string, [string, string]>();
    for (const m of r.stdout.matchAll(/^ {2}(placeholder|hydrated|modified|missing|total) +(\S+) +(.+)$/gm)) rows.set(m[1]!, [m[2]!, m[3]!]);
    for (const s of STATES) assert.deepEqual(rows.get(s), [String(want[s].files), humanBytes(want[s].bytes)], `${s} row`);
    const total = ws.files.reduce((a, f) => a + f.fileSize, 0);
    assert.deepEqual(rows.get('total'), [String(SPECS.length), humanBytes(total)]);
    assert.match(r.stdout, new RegExp(`^glance on ${PORT} \\(user ${USER}\\)\\n  ${ws.root}\\n`));
    const pct = (a: number, b: number) => Math.round((a * 1000) / b) / 10;
    assert.ok(
      r.stdout.includes(`  hydrated: ${pct(want.hydrated.files, SPECS.length)}% of files, ${pct(want.hydrated.bytes, total)}% of bytes\n`),
      r.stdout,
    );
    assert.match(r.stdout, /^daemon: not running .*o4-agent daemon start/m);
    assert.doesNotMatch(r.stdout, /most hydrated directories/);
  });

  it('status PATH counts only that directory (or that one file), relative to the current directory', () => {
    const docs = cliJson<StatusJson>(fx, ['status', 'docs'], EXIT.OK, { cwd: ws.root });
    assert.equal(docs.workspaces[0]!.scope, join(ws.root, 'docs'));
    assert.deepEqual(
      docs.workspaces[0]!.states,
      expected((rel) => rel.startsWith('docs/')),
    );
    const human = cli(fx, ['status', join(ws.root, 'docs')], EXIT.OK).stdout;
    assert.match(human, new RegExp(`^  ${join(ws.root, 'docs')}$`, 'm'));
    assert.match(human, new RegExp(`^ {2}total +${ws.files.filter((f) => f.rel.startsWith('docs/')).length} `, 'm'));

    const one = cliJson<StatusJson>(fx, ['status', ws.byRel('assets/big.bin').path]);
    assert.deepEqual(
      one.workspaces[0]!.states,
      expected((rel) => rel === 'assets/big.bin'),
    );
    assert.equal(one.workspaces[0]!.files, 1);
  });

  it('status --top N lists the directories holding the most hydrated bytes', () => {
    // Hydrated (not modified) bytes per top directory, from the fixture.
    const byDir = new Map<string, { files: number; bytes: number }>();
    for (const f of ws.files.filter((x) => ROLE[x.rel] === 'hydrated')) {
      const dir = f.rel.slice(0, f.rel.lastIndexOf('/'));
      const d = byDir.get(dir) ?? { files: 0, bytes: 0 };
      byDir.set(dir, { files: d.files + 1, bytes: d.bytes + f.fileSize });
    }
    const ranked = [...byDir.entries()].sort((a, b) => b[1].bytes - a[1].bytes).map(([dir, d]) => ({ dir, ...d }));
    assert.ok(ranked.length >= 2, 'the fixture hydrates files in two directories');

    const j = cliJson<StatusJson>(fx, ['status', '--top', '10']);
    assert.deepEqual(j.workspaces[0]!.top, ranked);
    const one = cliJson<StatusJson>(fx, ['status', '--top', '1', ws.root]);
    assert.deepEqual(one.workspaces[0]!.top, ranked.slice(0, 1));

    const human = cli(fx, ['status', '--top', '1'], EXIT.OK).stdout;
    const list = human.split('  most hydrated directories:\n')[1];
    assert.ok(list, human);
    assert.match(list, new RegExp(`^ {4}${ranked[0]!.dir} +${ranked[0]!.files} +${humanBytes(ranked[0]!.bytes)}\\n\\n`));
    assert.ok(!list.includes(ranked[1]!.dir), 'only one directory with --top 1');

    usageError(fx, ['status', '--top', 'many'], /--top wants a whole number/);
    usageError(fx, ['status', '--top', '-2'], /--top wants a whole number/);
  });

  it('status of a path outside every workspace is a usage error', () => {
    usageError(fx, ['status', fx.sb.dir], new RegExp(`${fx.sb.dir} is not inside any workspace`));
    usageError(fx, ['--json', 'status', '/'], /is not inside any workspace/);
  });

  interface WhyJson {
    path: string;
    workspace: { client: string; port: string; root: string };
    state: State;
    depotFile: string;
    rev: number;
    digest: string | null;
    fileType: string;
    size: number | null;
    hydrated: { at: string; source: string } | null;
    onDisk: { state: string; mode?: string; size?: number };
    checkFileNow: string;
    marker: string | null;
  }

  /** The human `why` output as a map of its labelled rows. */
  function whyRows(stdout: string): Map<string, string> {
    const rows = new Map<string, string>();
    for (const m of stdout.matchAll(/^ {2}(\S+(?: \S+)?) {2,}(.*)$/gm)) rows.set(m[1]!, m[2]!);
    return rows;
  }

  it('why: a placeholder has no content yet, its marker, and checkFile would say "same"', () => {
    const f = ws.byRel('docs/readme.txt');
    const j = cliJson<WhyJson>(fx, ['why', f.path]);
    assert.equal(j.path, f.path);
    assert.deepEqual(j.workspace, { client: 'glance', port: PORT, root: ws.root });
    assert.deepEqual(
      [j.state, j.depotFile, j.rev, j.digest, j.fileType, j.size, j.hydrated],
      ['placeholder', f.depotFile, f.rev, f.digest, f.type, f.fileSize, null],
    );
    assert.deepEqual(j.onDisk, { state: 'as-recorded', mode: '000', size: f.fileSize });
    assert.equal(j.checkFileNow, 'same');
    assert.equal(j.marker, isRoot ? `${f.rev} ${f.digest}` : null);

    const r = cli(fx, ['why', f.path], EXIT.OK);
    assert.equal(r.stdout.split('\n')[0], f.path);
    const rows = whyRows(r.stdout);
    assert.match(rows.get('state')!, /^placeholder — /);
    assert.equal(rows.get('depot file'), `${f.depotFile}#${f.rev}`);
    assert.equal(rows.get('digest'), f.digest);
    assert.equal(rows.get('size'), `${humanBytes(f.fileSize)} (${f.fileSize} bytes)`);
    assert.match(rows.get('content')!, /^none yet \(o4-agent hydrate fetches it\)/);
    assert.match(rows.get('on disk')!, /^exactly as o4-agent recorded it, mode 000/);
    assert.match(rows.get('checkFile')!, /^same /);
    if (isRoot) assert.equal(rows.get('marker'), `user.o4.placeholder = "${f.rev} ${f.digest}"`);
  });

  it('why: a hydrated file says where its content came from and when', () => {
    const f = ws.byRel('src/app.c');
    const j = cliJson<WhyJson>(fx, ['why', 'src/app.c'], EXIT.OK, { cwd: ws.root });
    assert.equal(j.path, f.path);
    assert.equal(j.state, 'hydrated');
    assert.equal(j.hydrated?.source, 'server');
    const at = Date.parse(j.hydrated.at);
    assert.ok(at >= started - 60_000 && at <= Date.now(), `hydrated at ${j.hydrated.at}`);
    assert.equal(j.onDisk.state, 'as-recorded');
    assert.equal(j.onDisk.mode, (0o666 & ~process.umask() & ~0o222).toString(8).padStart(3, '0'));
    assert.equal(j.onDisk.size, readFileSync(f.path).length);
    assert.equal(j.checkFileNow, 'exists');
    assert.equal(j.marker, null, 'hydrated content carries no placeholder marker');

    const rows = whyRows(cli(fx, ['why', f.path], EXIT.OK).stdout);
    assert.match(rows.get('state')!, /^hydrated — /);
    assert.equal(rows.get('content'), `from the server at ${j.hydrated.at}`);
    assert.equal(rows.has('marker'), false);
  });

  it('why: a locally modified file and a deleted one say so', () => {
    const mod = ws.byRel('src/lib.c');
    const jm = cliJson<WhyJson>(fx, ['why', mod.path]);
    assert.equal(jm.state, 'modified');
    assert.equal(jm.checkFileNow, 'exists');
    assert.equal(jm.onDisk.size, readFileSync(mod.path).length);
    assert.notEqual(jm.onDisk.size, mod.fileSize, 'the edit changed the size');
    const rows = whyRows(cli(fx, ['why', mod.path], EXIT.OK).stdout);
    assert.match(rows.get('state')!, /^modified — changed locally/);
    assert.match(rows.get('content')!, /^from the server at .*, since changed locally$/);

    const gone = ws.byRel('docs/gone.txt');
    const jg = cliJson<WhyJson>(fx, ['why', gone.path]);
    assert.deepEqual([jg.state, jg.onDisk.state, jg.checkFileNow], ['missing', 'absent', 'missing']);
    const rg = whyRows(cli(fx, ['why', gone.path], EXIT.OK).stdout);
    assert.equal(rg.get('on disk'), 'missing');
    assert.match(rg.get('content')!, /deleted locally/);
  });

  it('why: outside every workspace, a directory, an untracked file, a path that does not exist: clear usage errors', () => {
    usageError(
      fx,
      ['why', join(fx.sb.dir, 'elsewhere.txt')],
      /elsewhere\.txt is not inside any workspace o4-agent knows \(see: o4-agent workspaces\)/,
    );
    usageError(fx, ['--json', 'why', '/etc/hostname'], /not inside any workspace/);
    usageError(fx, ['why', join(ws.root, 'src')], /src is a directory; o4-agent why explains one file \(o4-agent status .* summarises a directory\)/);
    const untracked = join(ws.root, 'src', 'new.c');
    writeFileSync(untracked, 'not synced\n');
    usageError(fx, ['why', untracked], /new\.c is not a file o4-agent tracks in glance/);
    usageError(fx, ['why', join(ws.root, 'src', 'nope.c')], /nope\.c does not exist and is not a file o4-agent tracks/);
    usageError(fx, ['why'], /Not enough non-option arguments/);
    rmSync(untracked);
  });
});

describe('o4-agent workspaces and forget', () => {
  it('lists every workspace, and forget drops one from the ledger without touching its files', async () => {
    const fx = fixture();
    const specs = [text('a.txt', 'alpha\n'), binary('b.bin', 3000, 5), text('c/d.txt', 'delta delta\n')];
    const submitted = submitFiles(fx, specs);
    const a = await workspace(fx, 'wsA', specs, submitted);
    const b = await workspace(fx, 'wsB', specs, submitted);
    cli(fx, ['hydrate', a.root], EXIT.OK);
    cli(fx, ['hydrate', b.byRel('b.bin').path], EXIT.OK);
    const bytes = a.files.reduce((n, f) => n + f.fileSize, 0);

    // Hydrated in wsB from the content store that wsA's hydration filled.
    const why = cliJson<{ hydrated: { source: string } }>(fx, ['why', b.byRel('b.bin').path]);
    assert.equal(why.hydrated.source, 'store');

    type WsJson = { workspaces: Array<{ client: string; port: string; root: string; user: string; files: number; hydrated: number; bytes: number }> };
    const listed = cliJson<WsJson>(fx, ['workspaces']);
    assert.deepEqual(listed.workspaces.map((w) => [w.client, w.port, w.root, w.user, w.files, w.hydrated, w.bytes]).sort(), [
      ['wsA', PORT, a.root, USER, specs.length, specs.length, bytes],
      ['wsB', PORT, b.root, USER, specs.length, 1, bytes],
    ]);
    const human = cli(fx, ['workspaces'], EXIT.OK).stdout.split('\n');
    assert.match(human[0]!, /^CLIENT +PORT +ROOT +FILES +HYDRATED +SIZE$/);
    assert.ok(
      human.some((l) => new RegExp(`^wsA +${PORT} +${a.root} +${specs.length} +${specs.length} +${humanBytes(bytes)}$`).test(l)),
      human.join('\n'),
    );
    assert.ok(
      human.some((l) => new RegExp(`^wsB +${PORT} +${b.root} +${specs.length} +1 +${humanBytes(bytes)}$`).test(l)),
      human.join('\n'),
    );

    const before = a.files.map((f) => [diskSig(f.path), readFileSync(f.path)]);
    const r = cli(fx, ['forget', 'wsA'], EXIT.OK);
    assert.equal(r.stdout, `forgot wsA on ${PORT} (${specs.length} files; nothing on disk was changed)\n`);
    assert.deepEqual(
      a.files.map((f) => [diskSig(f.path), readFileSync(f.path)]),
      before,
      'files on disk untouched',
    );
    const ledger = readLedger(fx.sb.home);
    assert.deepEqual(
      ledger.workspaces.map((w) => w['client']),
      ['wsB'],
    );
    assert.equal(ledger.files.filter((f) => f['client'] === 'wsA').length, 0);
    assert.equal(ledger.files.filter((f) => f['client'] === 'wsB').length, specs.length, 'the other workspace keeps its rows');

    assert.deepEqual(
      cliJson<WsJson>(fx, ['workspaces']).workspaces.map((w) => w.client),
      ['wsB'],
    );
    usageError(fx, ['why', a.byRel('a.txt').path], /is not inside any workspace/);
    const unknown = usageError(fx, ['forget', 'wsA'], /^o4-agent: no workspace named wsA \(see: o4-agent workspaces\)$/m);
    assert.match(unknown, /hint: o4-agent learns a workspace when p4 sync runs with P4ALTSYNC set/);
    usageError(fx, ['--json', 'forget', 'nosuch'], /no workspace named nosuch/);
    usageError(fx, ['forget'], /Not enough non-option arguments/);

    const j = cliJson<{ forgotten: { client: string; port: string; root: string; files: number } }>(fx, ['forget', 'wsB']);
    assert.deepEqual(j.forgotten, { client: 'wsB', port: PORT, root: b.root, files: specs.length });
    assert.equal(cli(fx, ['workspaces'], EXIT.OK).stdout, 'no workspaces yet\n');
    assert.deepEqual(cliJson<WsJson>(fx, ['workspaces']), { workspaces: [] });
    assert.ok(b.files.every((f) => existsSync(f.path)));
  });
});

describe('o4-agent config', () => {
  type ConfigJson = { file: string; config: Record<string, Record<string, unknown>> };

  it('list shows the effective settings and the defaults, from the file in the state directory', () => {
    const fx = fixture();
    const file = join(fx.sb.home, 'config.json');
    const defaults = cliJson<ConfigJson>(fx, ['config', 'list', '--defaults']);
    const poolSize = (defaults.config['p4']!['poolSize'] as number) + 3;
    writeConfig(fx, { p4: { poolSize }, log: { level: 'warn' } });

    const eff = cliJson<ConfigJson>(fx, ['config', 'list']);
    assert.equal(eff.file, file);
    assert.equal(eff.config['p4']!['poolSize'], poolSize);
    assert.equal(eff.config['log']!['level'], 'warn');
    // Everything not in the file is the default.
    assert.deepEqual(
      {
        ...eff.config,
        p4: { ...eff.config['p4'], poolSize: defaults.config['p4']!['poolSize'] },
        log: { ...eff.config['log'], level: defaults.config['log']!['level'] },
      },
      defaults.config,
    );

    const human = cli(fx, ['config', 'list'], EXIT.OK).stdout.split('\n');
    assert.equal(human[0], `# effective settings (file: ${file})`);
    assert.ok(human.includes(`p4.poolSize = ${poolSize}`), human.join('\n'));
    assert.ok(human.includes('log.level = "warn"'));
    const humanDefaults = cli(fx, ['config', 'list', '--defaults'], EXIT.OK).stdout.split('\n');
    assert.equal(humanDefaults[0], '# defaults');
    assert.ok(humanDefaults.includes(`p4.poolSize = ${defaults.config['p4']!['poolSize']}`));
    // The same keys in both listings.
    const keys = (lines: string[]) =>
      lines
        .slice(1)
        .filter(Boolean)
        .map((l) => l.split(' = ')[0]);
    assert.deepEqual(keys(human), keys(humanDefaults));
    assert.ok(keys(human).length > 10);
  });

  it('get, set and unset change only the file, validate every value, and refuse unknown keys', () => {
    const fx = fixture();
    const file = join(fx.sb.home, 'config.json');
    const defaults = cliJson<ConfigJson>(fx, ['config', 'list', '--defaults']).config;
    const defaultPool = defaults['p4']!['poolSize'] as number;

    assert.equal(cli(fx, ['config', 'get', 'p4.poolSize'], EXIT.OK).stdout, `${defaultPool}\n`);
    assert.equal(cli(fx, ['config', 'get', 'placeholders.mode'], EXIT.OK).stdout, `${defaults['placeholders']!['mode']}\n`, 'a string bare');
    assert.equal(cli(fx, ['config', 'get', '--json', 'placeholders.mode'], EXIT.OK).stdout, `${JSON.stringify(defaults['placeholders']!['mode'])}\n`);
    assert.deepEqual(JSON.parse(cli(fx, ['config', 'get', 'p4'], EXIT.OK).stdout), defaults['p4']);

    const want = defaultPool + 2;
    const set = cli(fx, ['config', 'set', 'p4.poolSize', String(want)], EXIT.OK);
    assert.equal(set.stdout, `p4.poolSize = ${want}\n`);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { p4: { poolSize: want } });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(cli(fx, ['config', 'get', 'p4.poolSize'], EXIT.OK).stdout, `${want}\n`);
    assert.deepEqual(cliJson(fx, ['config', 'set', 'log.level', 'debug']), { file, key: 'log.level', value: 'debug', daemonReloaded: false });

    // Invalid values and unknown keys: a clear message, and the file exactly as it was.
    const saved = readFileSync(file);
    const savedSig = diskSig(file);
    const refused: Array<[string[], RegExp]> = [
      [['set', 'p4.poolSize', 'banana'], /^o4-agent: p4\.poolSize: Expected number, received string; the file was not changed$/m],
      [['set', 'p4.poolSize', '99'], /p4\.poolSize: Number must be less than or equal to 32; the file was not changed/],
      [['set', 'p4.poolSize', '2.5'], /p4\.poolSize: Expected integer/],
      [['set', 'placeholders.mode', 'sometimes'], /placeholders\.mode: .*'unreadable' \| 'real'/],
      [['set', 'p4.bogus', '1'], /unknown setting p4\.bogus \(o4-agent config list --defaults shows every setting\)/],
      [['set', 'bogus', 'true'], /unknown setting bogus/],
      [['set', 'p4.poolSize.deeper', '1'], /unknown setting p4\.poolSize\.deeper/],
      [['unset', 'p4.bogus'], /unknown setting p4\.bogus/],
      [['unset', 'p4.toString'], /unknown setting p4\.toString/],
      [['get', 'p4.bogus'], /no setting p4\.bogus/],
      [['set', 'p4.retries'], /config set needs a value/],
      [['set'], /config set needs a key/],
    ];
    for (const [args, message] of refused) {
      usageError(fx, ['config', ...args], message);
      assert.deepEqual(readFileSync(file), saved, `config ${args.join(' ')} left the file unchanged`);
      assert.equal(diskSig(file), savedSig, `config ${args.join(' ')} did not rewrite the file`);
    }
    usageError(fx, ['config', 'frob'], /Invalid values:[\s\S]*Argument: action, Given: "frob"/);

    // A client name may hold dots: the field is the last part.
    cli(fx, ['config', 'set', 'workspaces.team.main.pin', '["//depot/main/tools/..."]'], EXIT.OK);
    assert.deepEqual(JSON.parse(cli(fx, ['config', 'get', 'workspaces.team.main.pin'], EXIT.OK).stdout), ['//depot/main/tools/...']);
    assert.deepEqual((JSON.parse(readFileSync(file, 'utf8')) as ConfigJson['config'])['workspaces'], {
      'team.main': { pin: ['//depot/main/tools/...'] },
    });

    assert.equal(cli(fx, ['config', 'unset', 'p4.poolSize'], EXIT.OK).stdout, 'p4.poolSize reset to its default\n');
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as ConfigJson['config'])['p4']?.['poolSize'], undefined);
    assert.equal(cli(fx, ['config', 'get', 'p4.poolSize'], EXIT.OK).stdout, `${defaultPool}\n`);
    // Unsetting the last key of a section removes the section too.
    cli(fx, ['config', 'unset', 'workspaces.team.main.pin'], EXIT.OK);
    const left = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(JSON.stringify(left).includes('{}'), false, JSON.stringify(left));
    assert.equal('workspaces' in left, false);
  });

  it('a broken file: every verb that needs it says where and why, and config unset repairs it', () => {
    const fx = fixture();
    const file = join(fx.sb.home, 'config.json');
    writeConfig(fx, { p4: { poolSize: 99, retries: 1 } });
    for (const args of [['config', 'list'], ['status'], ['config', 'get', 'p4.retries']]) {
      const r = cli(fx, args, EXIT.ENVIRONMENT);
      assert.match(
        r.stderr,
        new RegExp(`^o4-agent: configuration file ${file} is invalid at p4\\.poolSize: Number must be less than or equal to 32\\n`),
      );
      assert.match(r.stderr, /^ {2}hint: .*o4-agent config unset KEY/m);
    }
    assert.equal(cli(fx, ['config', 'unset', 'p4.poolSize'], EXIT.OK).stdout, 'p4.poolSize reset to its default\n');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { p4: { retries: 1 } });
    assert.equal(cli(fx, ['config', 'get', 'p4.retries'], EXIT.OK).stdout, '1\n');

    writeFileSync(file, '{ "p4": ');
    const r = cli(fx, ['config', 'list'], EXIT.ENVIRONMENT);
    assert.match(r.stderr, new RegExp(`configuration file ${file} is not valid JSON`));
    // config unset cannot parse it either, so the hint does not send the user there.
    assert.match(r.stderr, /hint: fix the file in an editor, or move it away/);
    const unset = cli(fx, ['config', 'unset', 'p4.poolSize'], EXIT.ENVIRONMENT);
    assert.match(unset.stderr, /is not valid JSON/);
    assert.equal(readFileSync(file, 'utf8'), '{ "p4": ', 'the file is left as it is');
  });
});

describe('o4-agent logs', () => {
  it('shows the records of agent and CLI processes, the last 50 or -n N, raw with --json', async () => {
    const fx = fixture();
    const empty = cli(fx, ['logs'], EXIT.OK);
    assert.equal(empty.stdout, '');
    assert.match(empty.stderr, /^no log yet at .*o4-agent\.log$/m);

    const specs = Array.from({ length: 60 }, (_, i) => text(`many/f${i}.txt`, `file ${i}\n`));
    const w = await workspace(fx, 'logged', specs);
    const h = cli(fx, ['hydrate', w.byRel('many/f0.txt').path], EXIT.OK);
    // A few bytes per second are shown whole, not as "28.776978417266186 B/s".
    assert.match(h.stdout, new RegExp(`^hydrated 1 file, ${w.byRel('many/f0.txt').fileSize} B in .* \\(\\d+ B/s\\)$`, 'm'));
    const logFile = join(fx.sb.home, 'log', 'o4-agent.log');
    const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
    const records = lines.map((l) => JSON.parse(l) as { component: string; pid: number; msg: string; command?: string; level: number });
    assert.ok(lines.length > 50, `${lines.length} records`);

    // Records from the agent p4 started (one per add) and from the CLI's own hydrate.
    const all = cli(fx, ['logs', '--json', '-n', String(lines.length + 10)], EXIT.OK)
      .stdout.split('\n')
      .filter(Boolean);
    assert.deepEqual(all, lines);
    const adds = records.filter((r) => r.component === 'altsync' && r.msg === 'request' && r.command === 'add');
    assert.equal(adds.length, specs.length);
    const cliPids = new Set(records.filter((r) => r.component === 'cli').map((r) => r.pid));
    assert.ok(cliPids.size >= 1, 'the CLI process logged');
    assert.ok(!cliPids.has(adds[0]!.pid), 'agent and CLI are separate processes');

    const last5 = cli(fx, ['logs', '--json', '-n', '5'], EXIT.OK).stdout.split('\n').filter(Boolean);
    assert.deepEqual(last5, lines.slice(-5));

    const human = cli(fx, ['logs', '-n', '5'], EXIT.OK).stdout.split('\n').filter(Boolean);
    assert.equal(human.length, 5);
    human.forEach((line, i) => {
      const rec = records[records.length - 5 + i]!;
      assert.match(line, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) /);
      assert.ok(line.includes(` ${rec.component}[${rec.pid}] ${rec.msg}`), `${line} shows ${JSON.stringify(rec)}`);
      assert.ok(!line.startsWith('{'), 'rendered, not raw JSON');
    });

    const byDefault = cli(fx, ['logs'], EXIT.OK).stdout.split('\n').filter(Boolean);
    assert.equal(byDefault.length, 50);
    assert.equal(byDefault[49], human[4]);

    assert.equal(cli(fx, ['logs', '-n', '0'], EXIT.OK).stdout, '');
    usageError(fx, ['logs', '-n', '-3'], /--lines wants a whole number/);
    usageError(fx, ['logs', '--lines', 'lots'], /--lines wants a whole number/);
    assert.deepEqual(readFileSync(logFile, 'utf8').split('\n').filter(Boolean), lines, 'logs itself writes no records');
  });
});

describe('o4-agent verify', () => {
  interface VerifyJson {
    checked: number;
    findings: Array<{ kind: string; path: string; detail: string; repair?: string }>;
    unrepaired: number;
  }
  const pairs = (j: VerifyJson) => j.findings.map((f) => [f.kind, f.path]).sort();

  it('a healthy workspace: ledger and disk agree, with and without content digests', async () => {
    const fx = fixture();
    const specs = [text('a.txt', 'alpha\n'), binary('b/c.bin', 4096, 3), text('b/d.txt', 'delta\n')];
    const w = await workspace(fx, 'healthy', specs);
    cli(fx, ['hydrate', w.byRel('b/c.bin').path], EXIT.OK);
    assert.equal(cli(fx, ['verify'], EXIT.OK).stdout, `checked ${specs.length} files: ledger and disk agree\n`);
    assert.equal(
      cli(fx, ['verify', '--digest', w.root], EXIT.OK).stdout,
      `checked ${specs.length} files (with content digests): ledger and disk agree\n`,
    );
    assert.deepEqual(cliJson(fx, ['verify', '--digest']), { checked: specs.length, findings: [], unrepaired: 0 });
    assert.deepEqual(cliJson(fx, ['verify', join(w.root, 'b')]), { checked: 2, findings: [], unrepaired: 0 });
    usageError(fx, ['verify', fx.sb.dir], /is not inside any workspace/);
    usageError(fx, ['verify', '--recreate-missing'], /--recreate-missing works together with --repair/);
  });

  it('finds every kind of damage; --digest finds content changed behind a restored stat; --repair fixes what it can', async () => {
    const fx = fixture();
    const specs = [
      text('p/marker.txt', 'marker\n'),
      text('p/mode.txt', 'mode\n'),
      text('p/written.txt', 'written\n'),
      text('p/deleted.txt', 'deleted\n'),
      text('p/intact.txt', 'intact placeholder\n'),
      binary('h/deleted.bin', 1500, 11),
      text('h/dir.txt', 'a directory took my place\n'),
      text('h/edited.txt', 'edited later\n'),
      binary('h/sneaky.bin', 2048, 13),
      text('h/intact.txt', 'intact content\n'),
    ];
    const w = await workspace(fx, 'damaged', specs);
    const hydrated = w.files.filter((f) => f.rel.startsWith('h/'));
    cli(fx, ['hydrate', join(w.root, 'h')], EXIT.OK);
    const p = (rel: string) => w.byRel(rel).path;

    // The damage, behind the ledger's back.
    if (isRoot) removeMarker(p('p/marker.txt'));
    chmodSync(p('p/mode.txt'), 0o644);
    rewrite(p('p/written.txt'), 'real content written over the placeholder\n');
    rmSync(p('p/deleted.txt'));
    rmSync(p('h/deleted.bin'));
    rmSync(p('h/dir.txt'));
    mkdirSync(p('h/dir.txt'));
    writeFileSync(join(p('h/dir.txt'), 'inside'), 'keep me\n');
    rewrite(p('h/edited.txt'), 'edited later, and more\n');
    const edited = readFileSync(p('h/edited.txt'));
    // Same size, same inode, mtime put back to the nanosecond: only the content tells.
    const ref = join(fx.sb.dir, 'mtime-ref');
    writeFileSync(ref, '');
    assert.equal(spawnSync('touch', ['-r', p('h/sneaky.bin'), ref]).status, 0);
    const sneakySig = diskSig(p('h/sneaky.bin'));
    const flipped = readFileSync(p('h/sneaky.bin'));
    flipped[100] = flipped[100]! ^ 0xff;
    rewrite(p('h/sneaky.bin'), flipped);
    assert.equal(spawnSync('touch', ['-r', ref, p('h/sneaky.bin')]).status, 0);
    assert.equal(diskSig(p('h/sneaky.bin')), sneakySig, 'stat signature restored');
    // A temp file of a process that is gone, and one of a process still running (this one).
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const orphan = join(w.root, 'p', `.o4tmp.${deadPid}.1`);
    const busy = join(w.root, 'h', `.o4tmp.${process.pid}.1`);
    writeFileSync(orphan, 'half a file');
    writeFileSync(busy, 'being written');

    const expected: Array<[string, string]> = [
      ...(isRoot ? ([['bad-placeholder', p('p/marker.txt')]] as Array<[string, string]>) : []),
      ['bad-placeholder', p('p/mode.txt')],
      ['changed', p('p/written.txt')],
      ['missing', p('p/deleted.txt')],
      ['missing', p('h/deleted.bin')],
      ['missing', p('h/dir.txt')],
      ['changed', p('h/edited.txt')],
      ['orphan-temp', orphan],
    ];
    const plain = cliJson<VerifyJson>(fx, ['verify'], EXIT.PARTIAL);
    assert.equal(plain.checked, specs.length);
    assert.deepEqual(pairs(plain), [...expected].sort());
    assert.equal(plain.unrepaired, expected.length);
    const detail = (rel: string) => plain.findings.find((f) => f.path === p(rel))!.detail;
    if (isRoot) assert.equal(detail('p/marker.txt'), 'placeholder marker missing or wrong');
    assert.equal(detail('p/mode.txt'), 'mode 644, expected 000');
    assert.equal(detail('p/deleted.txt'), 'the ledger says placeholder, the file is gone');
    assert.equal(detail('h/dir.txt'), 'the ledger says hydrated, but a directory is in its place');
    assert.equal(detail('h/edited.txt'), 'the ledger says hydrated, but the file changed since it was recorded');

    const withDigest = cliJson<VerifyJson>(fx, ['verify', '--digest'], EXIT.PARTIAL);
    const expectedWithDigest = [...expected, ['digest-mismatch', p('h/sneaky.bin')] as [string, string]].sort();
    assert.deepEqual(pairs(withDigest), expectedWithDigest);
    const sneaky = withDigest.findings.find((f) => f.kind === 'digest-mismatch')!;
    assert.match(sneaky.detail, new RegExp(`^content digest [0-9a-f]{32}, expected ${w.byRel('h/sneaky.bin').digest}$`, 'i'));

    const human = cli(fx, ['verify', '--digest'], EXIT.PARTIAL).stdout.split('\n').filter(Boolean);
    for (const [kind, path] of expectedWithDigest) {
      assert.ok(
        human.some((l) => l.startsWith(`${kind.padEnd(16)} ${path}: `)),
        `${kind} ${path} in\n${human.join('\n')}`,
      );
    }
    assert.equal(
      human.at(-1),
      `checked ${specs.length} files (with content digests): ${expectedWithDigest.length} mismatches (o4-agent verify --repair fixes them)`,
    );
    assert.ok(existsSync(orphan), 'verify without --repair changes nothing');

    // Scoped to a directory: only what is below it.
    const scoped = cliJson<VerifyJson>(fx, ['verify', join(w.root, 'p')], EXIT.PARTIAL);
    assert.equal(scoped.checked, specs.filter((s) => s.rel.startsWith('p/')).length);
    assert.ok(scoped.findings.every((f) => f.path.startsWith(join(w.root, 'p') + '/')));

    // --repair: the ledger follows the disk, damaged placeholders are re-created, changed files left alone.
    const repaired = cliJson<VerifyJson>(fx, ['verify', '--repair', '--digest'], EXIT.OK);
    assert.deepEqual(pairs(repaired), expectedWithDigest);
    assert.equal(repaired.unrepaired, 0);
    const how = new Map(repaired.findings.map((f) => [f.path, f.repair]));
    for (const rel of ['p/mode.txt', ...(isRoot ? ['p/marker.txt'] : [])]) {
      assert.equal(how.get(p(rel)), 're-created the placeholder');
      const f = w.byRel(rel);
      assert.equal(statSync(f.path).mode & 0o777, 0, `${rel} is a mode-000 placeholder again`);
      assert.equal(statSync(f.path).size, f.fileSize);
      if (isRoot) {
        assert.equal(readMarker(f.path), `${f.rev} ${f.digest}`);
        assert.deepEqual(readFileSync(f.path), Buffer.alloc(f.fileSize));
      }
      assert.equal(ledgerRow(fx, 'damaged', rel)!['state'], 'placeholder');
    }
    assert.equal(how.get(p('h/dir.txt')), 'recorded as missing; what is in its place was left as it is');
    assert.equal(readFileSync(join(p('h/dir.txt'), 'inside'), 'utf8'), 'keep me\n');
    assert.equal(how.get(orphan), 'removed');
    assert.ok(!existsSync(orphan), 'orphan temp file removed');
    assert.ok(existsSync(busy), "a live process's temp file is never removed");
    assert.deepEqual(readFileSync(p('h/edited.txt')), edited, 'the locally modified file was not touched');
    assert.deepEqual(readFileSync(p('h/sneaky.bin')), flipped);
    assert.equal(diskSig(p('h/sneaky.bin')), sneakySig);
    assert.equal(readFileSync(p('p/written.txt'), 'utf8'), 'real content written over the placeholder\n');
    const states = Object.fromEntries(specs.map((s) => [s.rel, ledgerRow(fx, 'damaged', s.rel)!['state']]));
    assert.deepEqual(states, {
      'p/marker.txt': 'placeholder',
      'p/mode.txt': 'placeholder',
      'p/written.txt': 'modified',
      'p/deleted.txt': 'missing',
      'p/intact.txt': 'placeholder',
      'h/deleted.bin': 'missing',
      'h/dir.txt': 'missing',
      'h/edited.txt': 'modified',
      'h/sneaky.bin': 'modified',
      'h/intact.txt': 'hydrated',
    });
    const humanRepair = cli(fx, ['verify', '--digest'], EXIT.OK).stdout;
    assert.equal(humanRepair, `checked ${specs.length} files (with content digests): ledger and disk agree\n`);

    // --repair --recreate-missing: every file that is gone comes back as a placeholder, whether its
    // deletion is new or was recorded before (by the daemon or the repair above); nothing is in its
    // way, so nothing can be lost. A directory in a file's place stays.
    const modifiedSig = diskSig(p('h/sneaky.bin'));
    for (const rel of ['p/intact.txt', 'h/intact.txt', 'h/edited.txt']) rmSync(p(rel));
    const again = cli(fx, ['verify', '--repair', '--recreate-missing'], EXIT.OK).stdout.split('\n').filter(Boolean);
    const expectLine = (rel: string, detail: string) =>
      assert.ok(again.includes(`missing          ${p(rel)}: ${detail} — re-created as a placeholder`), `${rel}:\n${again.join('\n')}`);
    expectLine('p/intact.txt', 'the ledger says placeholder, the file is gone');
    expectLine('h/intact.txt', 'the ledger says hydrated, the file is gone');
    expectLine('h/edited.txt', 'the ledger says modified, the file is gone');
    expectLine('p/deleted.txt', 'deleted locally');
    expectLine('h/deleted.bin', 'deleted locally');
    assert.equal(again.at(-1), `checked ${specs.length} files: 5 mismatches, 5 repaired`);
    for (const rel of ['p/intact.txt', 'h/intact.txt', 'h/edited.txt', 'p/deleted.txt', 'h/deleted.bin']) {
      const f = w.byRel(rel);
      assert.equal(statSync(f.path).mode & 0o777, 0);
      assert.equal(statSync(f.path).size, f.fileSize);
      if (isRoot) assert.equal(readMarker(f.path), `${f.rev} ${f.digest}`);
      assert.equal(ledgerRow(fx, 'damaged', rel)!['state'], 'placeholder');
    }
    assert.equal(ledgerRow(fx, 'damaged', 'h/dir.txt')!['state'], 'missing');
    assert.equal(readFileSync(join(p('h/dir.txt'), 'inside'), 'utf8'), 'keep me\n');
    assert.equal(diskSig(p('h/sneaky.bin')), modifiedSig, 'the modified file is still untouched');
    assert.ok(hydrated.length > 0);
  });
});

describe('usage errors and help', () => {
  it('an unknown command or option exits 2 with a hint; every verb has --help', () => {
    const fx = fixture();
    const hint = /\n {2}hint: o4-agent --help lists the commands; o4-agent <command> --help explains one\n$/;
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /^o4-agent: unknown command 'frobnicate'\n/],
      [['statsu'], /^o4-agent: unknown command 'statsu'\. Did you mean status\?\n/],
      [['--home', fx.sb.home, 'workspace'], /^o4-agent: unknown command 'workspace'\. Did you mean workspaces\?\n/],
      [['status', '--bogus'], /^o4-agent: Unknown argument: bogus\n/],
      [['verify', '--repair', '--digets'], /^o4-agent: Unknown argument: digets\n/],
      [[], /^o4-agent: name a command \(see --help\)\n/],
    ];
    for (const [args, message] of cases) {
      const r = cli(fx, args, EXIT.USAGE);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.match(r.stderr, hint);
    }

    const top = cli(fx, ['--help'], EXIT.OK).stdout;
    for (const verb of VERBS) {
      const name = verb.command.split(' ')[0]!;
      assert.match(top, new RegExp(`^ {2}o4-agent ${name}\\b`, 'm'), `--help lists ${name}`);
      const r = cli(fx, [name, '--help'], EXIT.OK);
      assert.ok(r.stdout.startsWith(`o4-agent ${verb.command}\n`), `${name} --help:\n${r.stdout}`);
      assert.ok(r.stdout.includes(verb.describe.slice(0, 40)), `${name} --help describes it`);
      assert.equal(r.stderr, '');
    }
  });
});
