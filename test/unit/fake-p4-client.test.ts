/**
 * The fake p4 as a P4 client on a workspace: views, the have list, and the P4ALTSYNC conversation
 * (check, add, delete, chmod, checkFile, quit) with a tiny recording test agent, so nothing here
 * depends on o4-agent.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeRequest } from '../fake-p4/altsync-client.js';
import { ClientView } from '../fake-p4/client-view.js';
import { FakeDepot, fakeP4BinDir, type SubmitFile } from '../fake-p4/depot.js';
import { marshalDict } from '../fake-p4/marshal.js';

const P4 = join(fakeP4BinDir(), 'p4');
const PORT = 'fakehost:1666';
const IDENTITY = { client: 'ws', port: PORT, user: 'alice' };
const scratch = mkdtempSync(join(tmpdir(), 'fake-p4-client-'));
chmodSync(scratch, 0o755); // the unprivileged runs below must reach into it
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * The test agent: appends every request line to requests.jsonl and its pid to pids; answers from
 * config.json: `fail` (paths answered with an error), `crash` (paths it dies on without answering),
 * `checkFile` (path → answer, default `exists`). add creates an empty file, chmod and delete do
 * their job, quit exits.
 */
const AGENT = `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const config = () => (fs.existsSync(path.join(dir, 'config.json')) ? JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) : {});
const mode = (r) => (r.executable ? 0o777 : 0o666) & (r.writable ? 0o777 : 0o555);
fs.appendFileSync(path.join(dir, 'pids'), process.pid + '\\n');
let buf = '';
process.stdin.on('data', (chunk) => {
  buf += chunk;
  for (let nl = buf.indexOf('\\n'); nl >= 0; nl = buf.indexOf('\\n')) {
    const line = buf.slice(0, nl);
    buf = buf.slice(nl + 1);
    fs.appendFileSync(path.join(dir, 'requests.jsonl'), line + '\\n');
    const r = JSON.parse(line);
    const cfg = config();
    if (r.altSync === 'quit' || (cfg.crash || []).includes(r.path)) process.exit(0);
    process.stdout.write(JSON.stringify(answer(r, cfg)) + '\\n');
  }
});
process.stdin.on('end', () => process.exit(0));
function answer(r, cfg) {
  if ((cfg.fail || []).includes(r.path)) return { result: false, error: 'cannot ' + r.altSync + ' ' + r.path };
  switch (r.altSync) {
    case 'check': return { result: true, altSyncVersion: 1 };
    case 'add':
      fs.mkdirSync(path.dirname(r.path), { recursive: true });
      fs.rmSync(r.path, { force: true });
      fs.writeFileSync(r.path, '', { mode: mode(r) });
      return { result: true };
    case 'checkFile': return { result: true, checkFile: (cfg.checkFile || {})[r.path] || 'exists' };
    case 'chmod': fs.chmodSync(r.path, mode(r)); return { result: true };
    case 'delete': fs.rmSync(r.path, { force: true }); return { result: true };
    default: return { result: false, error: 'Unknown P4ALTSYNC command!' };
  }
}
`;

type RunAs = { readonly uid?: number; readonly gid?: number };

interface Setup {
  readonly depot: FakeDepot;
  readonly root: string;
  /** The P4ALTSYNC value that starts the test agent. */
  readonly p4altsync: string;
  readonly agentDir: string;
  /** Every request line the agent received so far, parsed. */
  requests(): Array<Record<string, unknown>>;
  /** Raw request lines. */
  lines(): string[];
  configure(config: { fail?: string[]; crash?: string[]; checkFile?: Record<string, string> }): void;
  p4(args: string[], opts?: { env?: Record<string, string>; runAs?: RunAs }): SpawnSyncReturns<Buffer>;
  path(rel: string): string;
}

let setups = 0;
function setup(
  files: SubmitFile[],
  client: { options?: string[]; lineEnd?: 'local' | 'unix' | 'win' | 'mac' | 'share'; view?: Array<[string, string]>; unicode?: boolean } = {},
): Setup {
  const dir = join(scratch, `s${++setups}`);
  const agentDir = join(dir, 'agent');
  mkdirSync(agentDir, { recursive: true });
  const agent = join(dir, 'agent.js');
  writeFileSync(agent, AGENT, { mode: 0o755 });
  const depot = FakeDepot.create(join(dir, 'depot'), { port: PORT, unicode: client.unicode ?? false });
  if (files.length > 0) depot.submit(files, { user: 'alice' });
  const root = join(dir, 'ws');
  depot.defineClient('ws', {
    root,
    view: client.view ?? VIEW,
    options: client.options ?? ['altsync'],
    lineEnd: client.lineEnd ?? 'local',
    owner: 'alice',
  });
  const p4altsync = `${agent} ${agentDir}`;
  const lines = () =>
    existsSync(join(agentDir, 'requests.jsonl')) ? readFileSync(join(agentDir, 'requests.jsonl'), 'utf8').split('\n').filter(Boolean) : [];
  return {
    depot,
    root,
    p4altsync,
    agentDir,
    lines,
    requests: () => lines().map((l) => JSON.parse(l) as Record<string, unknown>),
    configure: (config) => writeFileSync(join(agentDir, 'config.json'), JSON.stringify(config)),
    p4: (args, opts = {}) => {
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('P4') && !k.startsWith('FAKE_P4_')) env[k] = v;
      Object.assign(env, { FAKE_P4_DEPOT: depot.dir, P4ALTSYNC: p4altsync, ...opts.env });
      return spawnSync(P4, ['-p', PORT, '-u', 'alice', '-c', 'ws', ...args], { env, cwd: dir, ...opts.runAs });
    },
    path: (rel) => join(root, rel),
  };
}

function ok(r: SpawnSyncReturns<Buffer>): string {
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout.toString();
}

/** The line the real client writes for these RPC variables (all strings, re-typed on the way). */
function expectedLine(command: string, vars: Record<string, string>): string {
  return encodeRequest({ ...vars, ...IDENTITY, altSync: command });
}

/** Three of THREE's files: one is excluded, one outside the view. */
const VIEW: Array<[string, string]> = [
  ['//depot/main/...', '//ws/...'],
  ['-//depot/main/skip/...', '//ws/skip/...'],
];
const THREE: SubmitFile[] = [
  { depotFile: '//depot/main/a.c', content: 'one\ntwo\n' },
  { depotFile: '//depot/main/sub/run.sh', type: 'text+x', content: 'echo hi\n' },
  { depotFile: '//depot/main/data.bin', type: 'binary+w', content: Buffer.from([0, 1, 2, 3]) },
  { depotFile: '//depot/main/skip/hidden.c', content: 'excluded\n' },
  { depotFile: '//depot/other/elsewhere.c', content: 'not in view\n' },
];

const md5Of = (depot: FakeDepot, file: string) => depot.revision(file)!.digest!;

describe('fake p4 sync on an altsync client', () => {
  const s = setup(THREE, { lineEnd: 'win' });

  it('sends check, then one add per mapped file with the RPC variables a 2023.1+ server sends', () => {
    const out = ok(s.p4(['sync']));
    assert.equal(
      out,
      [
        `//depot/main/a.c#1 - added as ${s.path('a.c')}`,
        `//depot/main/data.bin#1 - added as ${s.path('data.bin')}`,
        `//depot/main/sub/run.sh#1 - added as ${s.path('sub/run.sh')}`,
        '',
      ].join('\n'),
    );
    const lines = s.lines();
    assert.equal(lines[0], expectedLine('check', { clientRoot: s.root }));
    assert.equal(
      lines[1],
      expectedLine('add', {
        path: s.path('a.c'),
        clientFile: '//ws/a.c',
        depotFile: '//depot/main/a.c',
        rev: '1',
        digest: md5Of(s.depot, '//depot/main/a.c'),
        fileSize: '10', // the CRLF form this win client gets, not the 8 stored bytes
        fileType: 'text',
        writable: 'false',
        executable: 'false',
        noclobber: 'true',
        keywords: '0',
        lineEnd: 'win',
        utf8bom: '1',
      }),
    );
    assert.match(lines[1]!, /"fileSize":10,.*"rev":1,.*"writable":false/, 'numbers and booleans re-typed by the client');
    const [bin, sh] = s.requests().slice(2, 4);
    assert.equal(bin!['writable'], true, 'binary+w');
    assert.equal(sh!['executable'], true, 'text+x');
    assert.equal(sh!['fileType'], 'text+x');
    assert.equal(lines[4], '{"altSync":"quit"}');
    assert.equal(lines.length, 5);
    assert.equal('charset' in s.requests()[1]!, false, 'no charset on a non-Unicode server');
  });

  it('records the have list, and a second sync is up to date without starting the agent', () => {
    assert.deepEqual(s.depot.have('ws'), [
      { depotFile: '//depot/main/a.c', clientFile: '//ws/a.c', rev: 1 },
      { depotFile: '//depot/main/data.bin', clientFile: '//ws/data.bin', rev: 1 },
      { depotFile: '//depot/main/sub/run.sh', clientFile: '//ws/sub/run.sh', rev: 1 },
    ]);
    const before = s.lines().length;
    const r = s.p4(['sync']);
    assert.equal(r.status, 0);
    assert.equal(r.stderr.toString(), 'File(s) up-to-date.\n');
    assert.equal(s.lines().length, before);
  });

  it('reports the have list as text and as -G stat records', () => {
    assert.equal(ok(s.p4(['have', '//ws/a.c'])), `//depot/main/a.c#1 - ${s.path('a.c')}\n`);
    const g = s.p4(['-G', 'have', `${s.root}/sub/...`]);
    assert.deepEqual(
      g.stdout,
      marshalDict('stat', [
        ['depotFile', '//depot/main/sub/run.sh'],
        ['clientFile', '//ws/sub/run.sh'],
        ['path', s.path('sub/run.sh')],
        ['haveRev', '1'],
      ]),
    );
    assert.equal(s.p4(['have', '//depot/other/...']).stderr.toString(), '//depot/other/... - file(s) not on client.\n');
  });

  it('syncs to an older revision with add, and a file deleted at head with delete', () => {
    s.depot.submit([
      { depotFile: '//depot/main/a.c', content: 'one\ntwo\nthree\n' },
      { depotFile: '//depot/main/sub/run.sh', action: 'delete' },
    ]);
    ok(s.p4(['sync']));
    assert.equal(ok(s.p4(['sync', '//depot/main/a.c#1'])), `//depot/main/a.c#1 - updating ${s.path('a.c')}\n`);
    const add = s
      .requests()
      .filter((r) => r['altSync'] === 'add')
      .at(-1)!;
    assert.equal(add['rev'], 1);
    assert.equal(add['digest'], s.depot.revision('//depot/main/a.c', 1)!.digest);
    const del = s.requests().find((r) => r['altSync'] === 'delete')!;
    assert.deepEqual(del, { altSync: 'delete', ...IDENTITY, path: s.path('sub/run.sh') }, 'no rmdir: the client has normdir');
    assert.deepEqual(
      s.depot.have('ws').map((h) => [h.depotFile, h.rev]),
      [
        ['//depot/main/a.c', 1],
        ['//depot/main/data.bin', 1],
      ],
    );
  });

  it('-n previews and -k only records, neither talks to the agent', () => {
    const before = s.lines().length;
    assert.equal(ok(s.p4(['sync', '-n'])), `//depot/main/a.c#2 - updating ${s.path('a.c')}\n`);
    const fileSize = String(s.depot.revision('//depot/main/a.c')!.fileSize);
    const stat = marshalDict('stat', [
      ['depotFile', '//depot/main/a.c'],
      ['clientFile', '//ws/a.c'],
      ['path', s.path('a.c')],
      ['rev', '2'],
      ['action', 'updated'],
      ['fileSize', fileSize],
    ]);
    assert.deepEqual(s.p4(['-G', 'sync', '-n']).stdout, stat);
    assert.equal(s.depot.have('ws')[0]!.rev, 1);
    ok(s.p4(['sync', '-k', '//ws/a.c']));
    assert.equal(s.depot.have('ws')[0]!.rev, 2);
    assert.equal(s.lines().length, before);
    assert.equal(ok(s.p4(['sync', '-f', 'ws/a.c'])), `//depot/main/a.c#2 - refreshing ${s.path('a.c')}\n`);
    assert.equal(s.requests().at(-2)!['noclobber'], false, 'sync -f clobbers');
  });

  it('says why an argument names nothing', () => {
    const r = s.p4(['sync', '//depot/other/...', '//depot/nope/...', '/elsewhere/x']);
    assert.equal(
      r.stderr.toString(),
      [
        "Path '/elsewhere/x' is not under client's root '" + s.root + "'.",
        '//depot/other/... - file(s) not in client view.',
        '//depot/nope/... - no such file(s).',
        '',
      ].join('\n'),
    );
  });
});

describe('fake p4 sync: agent failures', () => {
  it('a failed add prints the agent error, keeps the have list and exits 1', () => {
    const s = setup(THREE);
    s.configure({ fail: [s.path('data.bin')] });
    const r = s.p4(['sync']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.toString(), `AltSync Error: cannot add ${s.path('data.bin')}\n`);
    assert.deepEqual(
      s.depot.have('ws').map((h) => h.depotFile),
      ['//depot/main/a.c', '//depot/main/sub/run.sh'],
    );
  });

  it('sends rmdir with delete on an rmdir client', () => {
    const s = setup(THREE, { options: ['altsync', 'rmdir'] });
    ok(s.p4(['sync']));
    s.depot.submit([{ depotFile: '//depot/main/sub/run.sh', action: 'delete' }]);
    assert.equal(ok(s.p4(['sync'])), `//depot/main/sub/run.sh#2 - deleted as ${s.path('sub/run.sh')}\n`);
    assert.equal(s.lines().at(-2), expectedLine('delete', { path: s.path('sub/run.sh'), rmdir: 'true' }));
  });

  it('an agent that dies costs two requests, then a fresh agent gets the rest without check', () => {
    const s = setup(THREE);
    s.configure({ crash: [s.path('a.c')] });
    const r = s.p4(['sync']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.toString(), 'AltSync Error: Invalid JSON response: \nwrite: command: Broken pipe\n');
    assert.deepEqual(
      s.requests().map((q) => q['altSync']),
      ['check', 'add', 'add', 'quit'],
    );
    assert.deepEqual(
      s.depot.have('ws').map((h) => h.depotFile),
      ['//depot/main/sub/run.sh'],
    );
    assert.equal(readFileSync(join(s.agentDir, 'pids'), 'utf8').trim().split('\n').length, 2);
  });

  it('an agent that cannot be started is reported as the client reports it', () => {
    const s = setup(THREE);
    const r = s.p4(['sync', '//ws/a.c'], { env: { P4ALTSYNC: join(s.root, 'no-such-agent') } });
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr.toString(),
      `AltSync Error: Failed to start AltSync agent.\nExecution Failed: ${join(s.root, 'no-such-agent')}: No such file or directory\n`,
    );
    assert.deepEqual(s.depot.have('ws'), []);
  });

  it('sends the numeric client charset on a Unicode server only', () => {
    const s = setup([{ depotFile: '//depot/main/u.txt', type: 'unicode', content: 'café\n' }], { unicode: true });
    ok(s.p4(['sync'], { env: { P4CHARSET: 'iso8859-1' } }));
    const add = s.requests()[1]!;
    assert.equal(add['charset'], 2);
    assert.equal(add['fileSize'], 5, 'café in ISO 8859-1');
    ok(s.p4(['-C', 'utf8', 'sync', '-f']));
    assert.equal(s.requests().at(-2)!['charset'], 1);
  });

  it('quits the agent and waits for it to exit', () => {
    const s = setup(THREE);
    ok(s.p4(['sync']));
    assert.equal(s.lines().at(-1), '{"altSync":"quit"}');
    const pid = Number(readFileSync(join(s.agentDir, 'pids'), 'utf8').trim());
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  });
});

describe('fake p4 without P4ALTSYNC', () => {
  const files: SubmitFile[] = [
    { depotFile: '//depot/main/t.txt', content: 'line one\nline two\n' },
    { depotFile: '//depot/main/x.sh', type: 'text+x', content: 'echo hi\n' },
    { depotFile: '//depot/main/u8.txt', type: 'utf8', content: 'héllo\n' },
    { depotFile: '//depot/main/u16.txt', type: 'utf16', content: 'héllo\nwörld\n' },
    { depotFile: '//depot/main/k.c', type: 'ktext', content: '$Id$\n' },
    { depotFile: '//depot/main/b.bin', type: 'binary', content: Buffer.from([0xde, 0xad, 0x0a, 0x0d]) },
    { depotFile: '//depot/main/link', type: 'symlink', symlinkTarget: 't.txt' },
  ];

  it('unset: the altsync client gets real files, byte for byte what print -o writes', () => {
    const s = setup(files, { lineEnd: 'win' });
    const out = ok(s.p4(['sync'], { env: { P4ALTSYNC: '' } }));
    assert.equal(out.split('\n').filter(Boolean).length, files.length);
    assert.equal(s.lines().length, 0, 'no agent');
    for (const f of files) {
      const name = f.depotFile.slice('//depot/main/'.length);
      const printed = join(s.agentDir, `print-${name}`);
      ok(s.p4(['print', '-q', '-o', printed, f.depotFile], { env: { P4ALTSYNC: '' } }));
      if (f.type === 'symlink') {
        assert.equal(readlinkSync(s.path(name)), readlinkSync(printed));
        continue;
      }
      assert.deepEqual(readFileSync(s.path(name)), readFileSync(printed), name);
      const mode = statSync(s.path(name)).mode;
      assert.equal(mode & 0o222, 0, `${name} is read-only`);
      assert.equal((mode & 0o111) !== 0, f.type === 'text+x', `${name} exec bit`);
    }
    assert.equal(readFileSync(s.path('t.txt'), 'latin1'), 'line one\r\nline two\r\n');
  });

  it('deletes files and prunes empty directories with rmdir', () => {
    const s = setup(
      [
        { depotFile: '//depot/main/d/e/f.txt', content: 'f\n' },
        { depotFile: '//depot/main/g.txt', content: 'g\n' },
      ],
      { options: ['noaltsync', 'rmdir'] },
    );
    ok(s.p4(['sync']));
    assert.ok(existsSync(s.path('d/e/f.txt')));
    s.depot.submit([{ depotFile: '//depot/main/d/e/f.txt', action: 'delete' }]);
    assert.equal(ok(s.p4(['sync'])), `//depot/main/d/e/f.txt#2 - deleted as ${s.path('d/e/f.txt')}\n`);
    assert.equal(existsSync(s.path('d')), false);
    assert.ok(existsSync(s.path('g.txt')));
  });

  it('a writable file is not clobbered without the clobber option, and sync -f overwrites it', () => {
    const s = setup([{ depotFile: '//depot/main/a.c', content: 'a\n' }], { options: ['noaltsync'] });
    mkdirSync(s.root, { recursive: true });
    writeFileSync(s.path('a.c'), 'mine\n');
    const r = s.p4(['sync']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.toString(), `Can't clobber writable file ${s.path('a.c')}\n`);
    assert.deepEqual(s.depot.have('ws'), []);
    ok(s.p4(['sync', '-f']));
    assert.equal(readFileSync(s.path('a.c'), 'utf8'), 'a\n');
  });

  it('enforced (dm.altsync.enforce=1): the altsync client is refused', () => {
    const s = setup(THREE);
    s.depot.setAltsyncEnforce(true);
    const r = s.p4(['sync'], { env: { P4ALTSYNC: '' } });
    assert.equal(r.status, 1);
    assert.equal(r.stderr.toString(), 'Client does not have P4ALTSYNC configured, required for this workspace.\n');
    assert.equal(existsSync(s.root), false);
    assert.deepEqual(s.depot.have('ws'), []);
  });
});

describe('fake p4 edit, opened, revert', () => {
  const s = setup(THREE);
  ok(s.p4(['sync']));

  it('edit sends chmod and opens the file', () => {
    const before = s.lines().length;
    assert.equal(ok(s.p4(['edit', 'ws/sub/run.sh'])), '//depot/main/sub/run.sh#1 - opened for edit\n');
    assert.deepEqual(s.lines().slice(before + 1, -1), [
      expectedLine('chmod', {
        path: s.path('sub/run.sh'),
        clientFile: '//ws/sub/run.sh',
        depotFile: '//depot/main/sub/run.sh',
        rev: '1',
        writable: 'true',
        executable: 'true',
      }),
    ]);
    assert.notEqual(statSync(s.path('sub/run.sh')).mode & 0o200, 0);
    assert.deepEqual(s.depot.opened('ws'), [{ depotFile: '//depot/main/sub/run.sh', clientFile: '//ws/sub/run.sh', rev: 1, action: 'edit' }]);
    assert.equal(ok(s.p4(['opened'])), '//depot/main/sub/run.sh#1 - edit default change (text+x)\n');
  });

  it('a failed chmod leaves the file unopened', () => {
    s.configure({ fail: [s.path('a.c')] });
    const r = s.p4(['edit', '//ws/a.c']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.toString(), `AltSync Error: cannot chmod ${s.path('a.c')}\n`);
    assert.deepEqual(
      s.depot.opened('ws').map((o) => o.depotFile),
      ['//depot/main/sub/run.sh'],
    );
    s.configure({});
  });

  it('revert sends add with noclobber false and drops the file from opened', () => {
    assert.equal(ok(s.p4(['revert', '//depot/main/sub/...'])), '//depot/main/sub/run.sh#1 - was edit, reverted\n');
    const add = s.requests().at(-2)!;
    assert.equal(add['altSync'], 'add');
    assert.equal(add['noclobber'], false);
    assert.equal(add['rev'], 1);
    assert.deepEqual(s.depot.opened('ws'), []);
    assert.equal(s.p4(['opened']).stderr.toString(), 'File(s) not opened on this client.\n');
  });
});

describe('fake p4 diff and reconcile: checkFile', () => {
  const files: SubmitFile[] = ['same', 'virtual', 'missing', 'changed', 'intact'].map((n) => ({
    depotFile: `//depot/main/${n}.txt`,
    content: `${n}\n`,
  }));
  const s = setup(files);
  ok(s.p4(['sync']));
  // The agent's placeholders are empty files. The real content goes into the two files it reports
  // as hydrated (`exists`); one of them is then changed.
  for (const [name, text] of [
    ['intact.txt', 'intact\n'],
    ['changed.txt', 'edited\n'],
  ] as const) {
    chmodSync(s.path(name), 0o644);
    writeFileSync(s.path(name), text);
  }
  // same/virtual files hold content that differs and cannot be read: reading them would show.
  for (const n of ['same', 'virtual']) chmodSync(s.path(`${n}.txt`), 0o000);
  s.configure({ checkFile: { [s.path('same.txt')]: 'same', [s.path('virtual.txt')]: 'virtual', [s.path('missing.txt')]: 'missing' } });
  // As root every file is readable: run the fake p4 (and so the agent) as nobody instead.
  const unprivileged: RunAs = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  if (unprivileged.uid !== undefined) {
    for (const f of ['requests.jsonl', 'pids']) chmodSync(join(s.agentDir, f), 0o666);
    chmodSync(join(s.depot.dir, 'invocations.log'), 0o666);
  }
  const asUser = (args: string[]) => s.p4(args, { runAs: unprivileged });

  it('diff -se: missing/same/virtual answers are taken without reading; exists reads and compares digests', () => {
    const before = s.lines().length;
    assert.equal(ok(asUser(['diff', '-se'])), `${s.path('changed.txt')}\n`);
    const sent = s
      .requests()
      .slice(before)
      .filter((r) => r['altSync'] === 'checkFile');
    assert.deepEqual(sent[0], {
      altSync: 'checkFile',
      ...IDENTITY,
      path: s.path('changed.txt'),
      clientDepotFile: '//depot/main/changed.txt',
      clientDepotRev: 1,
      digest: md5Of(s.depot, '//depot/main/changed.txt'),
    });
    assert.equal(sent.length, 5);
    const answers = s.depot
      .invocations()
      .at(-1)!
      .altsync.filter((x) => x.command === 'checkFile')
      .map((x) => [x.path, JSON.parse(x.reply).checkFile]);
    assert.deepEqual(
      answers,
      ['changed', 'intact', 'missing', 'same', 'virtual'].map((n) => [s.path(`${n}.txt`), n === 'changed' || n === 'intact' ? 'exists' : n]),
    );
  });

  it('diff -sd lists what the agent says is missing', () => {
    assert.equal(ok(asUser(['diff', '-sd'])), `${s.path('missing.txt')}\n`);
  });

  it('an exists answer for an unreadable file is an error line for that file, not a crash', () => {
    s.configure({ checkFile: {} });
    const r = asUser(['diff', '-se', '//ws/same.txt', '//ws/changed.txt']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.toString(), `open for read: ${s.path('same.txt')}: Permission denied\n`);
    assert.equal(r.stdout.toString(), `${s.path('changed.txt')}\n`);
    s.configure({ checkFile: { [s.path('same.txt')]: 'same', [s.path('virtual.txt')]: 'virtual', [s.path('missing.txt')]: 'missing' } });
  });

  it('a failed checkFile prints its error, then the file is read', () => {
    s.configure({ fail: [s.path('intact.txt'), s.path('changed.txt')] });
    const r = asUser(['diff', '-se', '//ws/intact.txt', '//ws/changed.txt']);
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr.toString(),
      `AltSync Error: cannot checkFile ${s.path('intact.txt')}\nAltSync Error: cannot checkFile ${s.path('changed.txt')}\n`,
    );
    assert.equal(r.stdout.toString(), `${s.path('changed.txt')}\n`);
    s.configure({ checkFile: { [s.path('same.txt')]: 'same', [s.path('virtual.txt')]: 'virtual', [s.path('missing.txt')]: 'missing' } });
  });

  it('reconcile -n: changed files would be opened for edit, missing ones for delete', () => {
    assert.equal(ok(asUser(['reconcile', '-n'])), '//depot/main/changed.txt#1 - opened for edit\n//depot/main/missing.txt#1 - opened for delete\n');
    assert.equal(ok(asUser(['reconcile', '-n', '-d'])), '//depot/main/missing.txt#1 - opened for delete\n');
    const r = asUser(['reconcile', '//ws/...']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.toString(), 'fake p4: only reconcile -n (preview) is simulated.\n');
  });

  it('diff -sa and revert -a judge opened files the same way', () => {
    ok(s.p4(['edit', '//ws/changed.txt', '//ws/intact.txt']));
    assert.equal(ok(s.p4(['diff', '-sa'])), `${s.path('changed.txt')}\n`);
    assert.equal(ok(s.p4(['diff'])), `==== //depot/main/changed.txt#1 - ${s.path('changed.txt')} ====\n`);
    assert.equal(ok(s.p4(['revert', '-a'])), '//depot/main/intact.txt#1 - was edit, reverted\n');
    assert.deepEqual(
      s.depot.opened('ws').map((o) => o.depotFile),
      ['//depot/main/changed.txt'],
    );
  });
});

describe('fake p4 client views and specs', () => {
  it('later lines win, - lines exclude, wildcards carry over by kind, order or number', () => {
    const view = new ClientView(
      [
        ['//depot/main/...', '//ws/...'],
        ['-//depot/main/secret/...', '//ws/secret/...'],
        ['//depot/main/secret/ok.txt', '//ws/secret/ok.txt'],
        ['//depot/lib/%%1/%%2.h', '//ws/inc/%%2/%%1.h'],
        ['//depot/docs/*.md', '//ws/md/*.txt'],
      ],
      'ws',
    );
    assert.equal(view.toClient('//depot/main/a/b.c'), '//ws/a/b.c');
    assert.equal(view.toClient('//depot/main/secret/key'), undefined);
    assert.equal(view.toClient('//depot/main/secret/ok.txt'), '//ws/secret/ok.txt');
    assert.equal(view.toClient('//depot/lib/net/sock.h'), '//ws/inc/sock/net.h');
    assert.equal(view.toClient('//depot/main/inc/sock/net.h'), undefined, 'its client path maps back to //depot/lib');
    assert.equal(view.toClient('//depot/docs/a.md'), '//ws/md/a.txt');
    assert.equal(view.toClient('//depot/docs/sub/a.md'), undefined, '* stays in one directory');
    assert.equal(view.toClient('//depot/other/x'), undefined);
  });

  it('a name maps only if it maps back: a later line claiming the same client path hides the earlier', () => {
    const view = new ClientView(
      [
        ['//depot/a/...', '//ws/...'],
        ['//depot/b/...', '//ws/...'],
      ],
      'ws',
    );
    assert.equal(view.toClient('//depot/a/x.c'), undefined);
    assert.equal(view.toClient('//depot/b/x.c'), '//ws/x.c');
  });

  it('rejects unbalanced wildcards and foreign client paths', () => {
    assert.throws(() => new ClientView([['//depot/.../*.c', '//ws/...']], 'ws'), /mismatched wildcards/);
    assert.throws(() => new ClientView([['//depot/*/...', '//ws/.../*']], 'ws'), /mismatched wildcards/);
    assert.throws(() => new ClientView([['//depot/...', '//other/...']], 'ws'), /must start with \/\/ws\//);
  });

  it('client -o prints the spec form', () => {
    const s = setup([], {
      options: ['altsync', 'rmdir'],
      lineEnd: 'unix',
      view: [
        ['//depot/main/...', '//ws/...'],
        ['-//depot/main/a b/...', '//ws/a b/...'],
      ],
    });
    assert.equal(
      ok(s.p4(['client', '-o'])),
      [
        '# A Perforce Client Specification.',
        '',
        'Client:\tws',
        '',
        'Owner:\talice',
        '',
        'Description:\n\tCreated by alice.',
        '',
        `Root:\t${s.root}`,
        '',
        'Options:\tnoallwrite noclobber nocompress unlocked nomodtime rmdir altsync',
        '',
        'SubmitOptions:\tsubmitunchanged',
        '',
        'LineEnd:\tunix',
        '',
        'View:',
        '\t//depot/main/... //ws/...',
        '\t"-//depot/main/a b/..." "//ws/a b/..."',
        '',
        '',
      ].join('\n'),
    );
  });

  it('the altsync option cannot change while the have list is not empty', () => {
    const s = setup(THREE, { options: ['noaltsync'] });
    ok(s.p4(['sync']));
    assert.throws(
      () => s.depot.defineClient('ws', { root: s.root, view: [['//depot/main/...', '//ws/...']], options: ['altsync'] }),
      /Cannot change client 'altSync' option/,
    );
    assert.ok(lstatSync(s.path('a.c')).isFile());
  });
});
