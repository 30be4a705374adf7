/**
 * The fake p4 itself, run as callers run it: through test/fake-p4/bin/p4 with a depot in
 * FAKE_P4_DEPOT. `-G` output is read back with Python's own marshal module.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FakeDepot, fakeP4BinDir } from '../fake-p4/depot.js';

const P4 = join(fakeP4BinDir(), 'p4');
const PORT = 'fakehost:1666';
const scratch = mkdtempSync(join(tmpdir(), 'fake-p4-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let depots = 0;
function newDepot(opts: Parameters<typeof FakeDepot.create>[1] = {}): FakeDepot {
  return FakeDepot.create(join(scratch, `depot${++depots}`), opts);
}

/** The caller's environment minus anything p4-related, so only what a test sets reaches the fake. */
function cleanEnv(depot: FakeDepot, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('P4') && !k.startsWith('FAKE_P4_')) env[k] = v;
  return { ...env, FAKE_P4_DEPOT: depot.dir, ...extra };
}

function p4(depot: FakeDepot, args: string[], opts: { env?: Record<string, string>; input?: string; user?: string } = {}): SpawnSyncReturns<Buffer> {
  return spawnSync(P4, ['-p', PORT, '-u', opts.user ?? 'alice', '-c', 'ws', ...args], {
    env: cleanEnv(depot, opts.env),
    input: opts.input,
    cwd: scratch,
  });
}

type PyRecord = Record<string, string | number | Buffer>;

/** Every record of -G output as real Python marshal reads it: keys in order, bytes values as Buffers. */
function pythonRecords(stdout: Buffer): PyRecord[] {
  const script = `
import base64, json, marshal, sys
out = []
while True:
    try:
        d = marshal.load(sys.stdin.buffer)
    except EOFError:
        break
    out.append([[k.decode(), v if isinstance(v, int) else {'b64': base64.b64encode(v).decode()}] for k, v in d.items()])
print(json.dumps(out))
`;
  const py = spawnSync('python3', ['-c', script], { input: stdout });
  assert.equal(py.status, 0, py.stderr.toString());
  const parsed = JSON.parse(py.stdout.toString()) as Array<Array<[string, number | { b64: string }]>>;
  return parsed.map((pairs) =>
    Object.fromEntries(
      pairs.map(([k, v]) => [
        k,
        typeof v === 'number' ? v : k === 'data' ? Buffer.from(v.b64, 'base64') : Buffer.from(v.b64, 'base64').toString('utf8'),
      ]),
    ),
  );
}

function md5(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex').toUpperCase();
}

function content(records: PyRecord[]): Buffer {
  return Buffer.concat(records.filter((r) => r['code'] === 'text' || r['code'] === 'binary').map((r) => r['data'] as Buffer));
}

const REFUSED =
  'Perforce client error:\n\tConnect to server failed; check $P4PORT.\n\tTCP connect to fakehost:1666 failed.\n\tconnect: 127.0.0.1:1666: Connection refused\n';

describe('fake p4 print -G', () => {
  const depot = newDepot();
  const when = new Date('2024-03-04T05:06:07Z');
  depot.submit([{ depotFile: '//depot/a.c', content: 'one\n' }], { user: 'alice', time: when });
  depot.submit(
    [
      { depotFile: '//depot/a.c', content: 'one\ntwo\n' },
      { depotFile: '//depot/b.bin', type: 'binary', content: Buffer.from([0, 1, 2, 0xff, 0x0a]) },
    ],
    { user: 'bob', time: when },
  );

  it('writes marshal dicts real Python reads: stat fields in order, then the content', () => {
    const r = p4(depot, ['-G', 'print', '//depot/a.c', '//depot/b.bin']);
    assert.equal(r.status, 0, r.stderr.toString());
    const recs = pythonRecords(r.stdout);
    assert.deepEqual(Object.keys(recs[0]!), ['code', 'depotFile', 'rev', 'change', 'action', 'type', 'time', 'fileSize']);
    assert.deepEqual(recs[0], {
      code: 'stat',
      depotFile: '//depot/a.c',
      rev: '2',
      change: '2',
      action: 'edit',
      type: 'text',
      time: String(when.getTime() / 1000),
      fileSize: '8',
    });
    assert.deepEqual(recs[1], { code: 'text', data: Buffer.from('one\ntwo\n') });
    assert.equal(recs[2]!['type'], 'binary');
    assert.deepEqual(recs[3], { code: 'binary', data: Buffer.from([0, 1, 2, 0xff, 0x0a]) });
    assert.equal(recs.length, 4);
  });

  it('prints a header and raw content without -G, and only content with -q', () => {
    const r = p4(depot, ['print', '//depot/a.c#1']);
    assert.equal(r.stdout.toString(), '//depot/a.c#1 - add change 1 (text)\none\n');
    assert.equal(p4(depot, ['print', '-q', '//depot/a.c@1']).stdout.toString(), 'one\n');
  });

  it('prints every revision with -a, newest first', () => {
    const recs = pythonRecords(p4(depot, ['-G', 'print', '-a', '//depot/a.c']).stdout);
    assert.deepEqual(
      recs.filter((x) => x['code'] === 'stat').map((x) => x['rev']),
      ['2', '1'],
    );
  });

  it('warns about missing files and revisions with exit status 0', () => {
    const r = p4(depot, ['-G', 'print', '//depot/nope.c', '//depot/a.c#3', '//depot/a.c#none']);
    assert.equal(r.status, 0);
    assert.deepEqual(pythonRecords(r.stdout), [
      { code: 'error', data: Buffer.from('//depot/nope.c - no such file(s).\n'), severity: 2, generic: 17 },
      { code: 'error', data: Buffer.from('//depot/a.c#3 - no file(s) at that revision.\n'), severity: 2, generic: 17 },
      { code: 'error', data: Buffer.from('//depot/a.c#none - no file(s) at that revision.\n'), severity: 2, generic: 17 },
    ]);
    const text = p4(depot, ['print', '//depot/nope.c']);
    assert.equal(text.status, 0);
    assert.equal(text.stdout.length, 0);
    assert.equal(text.stderr.toString(), '//depot/nope.c - no such file(s).\n');
  });

  it('rejects an unknown print flag as a usage error', () => {
    const r = p4(depot, ['-G', 'print', '-Z', '//depot/a.c']);
    assert.equal(r.status, 1);
    const [rec] = pythonRecords(r.stdout);
    assert.match(String(rec!['data']), /^Usage: print .*\nInvalid option: -Z\.\n$/);
    assert.equal(rec!['severity'], 3);
    assert.equal(rec!['generic'], 1);
  });
});

describe('fake p4 content', () => {
  const depot = newDepot();
  depot.defineClient('winws', { root: join(scratch, 'winws'), view: [['//depot/...', '//winws/...']], lineEnd: 'win' });
  const text = 'line one\nline two\n';
  const big = Buffer.from('0123456789abcdef\n'.repeat(6000).slice(0, 100_000));
  const sub = depot.submit(
    [
      { depotFile: '//depot/t.txt', content: text },
      { depotFile: '//depot/x.sh', type: 'text+x', content: 'echo hi\n' },
      { depotFile: '//depot/u8.txt', type: 'utf8', content: '\ufeffhéllo\n' },
      { depotFile: '//depot/u16.txt', type: 'utf16', content: 'héllo\nwörld\n' },
      { depotFile: '//depot/uni.txt', type: 'unicode', content: 'café\n' },
      { depotFile: '//depot/link', type: 'symlink', symlinkTarget: '../t.txt' },
      { depotFile: '//depot/b.bin', type: 'binary+F', content: Buffer.from([0xde, 0xad, 0x0a, 0x0d]) },
      { depotFile: '//depot/k.c', type: 'ktext', content: '$Id$ $Revision$ $Change$ $File$ $Author$ $Date$ $DateTime$ $Header$\n' },
      { depotFile: '//depot/ko.c', type: 'text+ko', content: '$Id$ $Revision$\n' },
      { depotFile: '//depot/big.txt', content: big },
    ],
    { user: 'carol', time: new Date('2024-05-06T07:08:09Z') },
  );

  it('digests are the MD5 of the stored form, and fileSize its length', () => {
    const stored: Record<string, Buffer> = {
      '//depot/t.txt': Buffer.from(text),
      '//depot/u8.txt': Buffer.from('héllo\n'), // stored without the BOM
      '//depot/u16.txt': Buffer.from('héllo\nwörld\n'), // stored as UTF-8
      '//depot/uni.txt': Buffer.from('café\n'),
      '//depot/link': Buffer.from('../t.txt\n'),
      '//depot/b.bin': Buffer.from([0xde, 0xad, 0x0a, 0x0d]),
      '//depot/big.txt': big,
    };
    for (const [file, bytes] of Object.entries(stored)) {
      const f = sub.files.find((x) => x.depotFile === file)!;
      assert.equal(f.digest, md5(bytes), file);
      assert.equal(f.fileSize, bytes.length, file);
      assert.deepEqual(depot.revision(file)!.storedContent(), bytes, file);
      const printed = content(pythonRecords(p4(depot, ['-G', 'print', file]).stdout));
      assert.deepEqual(printed, bytes, `${file} prints its stored form`);
    }
  });

  it('expands keywords unless -K; the +k digest covers the expanded text', () => {
    const expanded =
      '$Id: //depot/k.c#1 $ $Revision: #1 $ $Change: 1 $ $File: //depot/k.c $ $Author: carol $ $Date: 2024/05/06 $ $DateTime: 2024/05/06 07:08:09 $ $Header: //depot/k.c#1 $\n';
    assert.equal(p4(depot, ['print', '-q', '//depot/k.c']).stdout.toString(), expanded);
    assert.equal(depot.revision('//depot/k.c')!.digest, md5(expanded));
    const raw = p4(depot, ['print', '-q', '-K', '//depot/k.c']).stdout;
    assert.equal(raw.toString(), '$Id$ $Revision$ $Change$ $File$ $Author$ $Date$ $DateTime$ $Header$\n');
    assert.equal(depot.revision('//depot/k.c')!.fileSize, raw.length);
    assert.equal(p4(depot, ['print', '-q', '//depot/ko.c']).stdout.toString(), '$Id: //depot/ko.c#1 $ $Revision$\n');
  });

  it('sends a 100 KB file as 4096-byte text records', () => {
    const recs = pythonRecords(p4(depot, ['-G', 'print', '//depot/big.txt']).stdout);
    const chunks = recs.slice(1).map((r) => r['data'] as Buffer);
    assert.ok(recs.slice(1).every((r) => r['code'] === 'text'));
    assert.equal(chunks.length, Math.ceil(100_000 / 4096));
    assert.ok(chunks.slice(0, -1).every((c) => c.length === 4096));
    assert.deepEqual(Buffer.concat(chunks), big);
    const small = pythonRecords(p4(depot, ['-G', 'print', '//depot/big.txt'], { env: { FAKE_P4_CHUNK: '1000' } }).stdout);
    assert.equal(small.length, 1 + 100);
  });

  const out = (name: string) => join(scratch, 'out', name);
  const printTo = (file: string, name: string, flags: string[] = [], global: string[] = []) => {
    const r = p4(depot, [...global, '-G', 'print', ...flags, '-o', out(name), file]);
    assert.equal(r.status, 0, r.stderr.toString());
    return pythonRecords(r.stdout);
  };

  it('print -o writes the stat record only, and text with the asked line ends', () => {
    const recs = printTo('//depot/t.txt', 'unix.txt', ['-L', 'unix']);
    assert.deepEqual(
      recs.map((r) => r['code']),
      ['stat'],
    );
    assert.equal(readFileSync(out('unix.txt'), 'latin1'), text);
    printTo('//depot/t.txt', 'win.txt', ['-L', 'win']);
    assert.equal(readFileSync(out('win.txt'), 'latin1'), 'line one\r\nline two\r\n');
    printTo('//depot/t.txt', 'mac.txt', ['-L', 'mac']);
    assert.equal(readFileSync(out('mac.txt'), 'latin1'), 'line one\rline two\r');
    printTo('//depot/t.txt', 'share.txt', ['-L', 'share']);
    assert.equal(readFileSync(out('share.txt'), 'latin1'), text);
  });

  it('print -o without -L uses the LineEnd of the -c workspace', () => {
    const r = spawnSync(P4, ['-p', PORT, '-u', 'alice', '-c', 'winws', 'print', '-q', '-o', out('client-win.txt'), '//depot/t.txt'], {
      env: cleanEnv(depot),
    });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.equal(readFileSync(out('client-win.txt'), 'latin1'), 'line one\r\nline two\r\n');
    printTo('//depot/t.txt', 'client-local.txt'); // -c ws has no spec: local
    assert.equal(readFileSync(out('client-local.txt'), 'latin1'), text);
  });

  it('print -o sets the exec bit for +x and overwrites what is there', () => {
    writeFileSync(out('x.sh'), 'old');
    printTo('//depot/x.sh', 'x.sh');
    assert.equal(readFileSync(out('x.sh'), 'utf8'), 'echo hi\n');
    assert.notEqual(statSync(out('x.sh')).mode & 0o111, 0);
    printTo('//depot/t.txt', 'plain.txt');
    assert.equal(statSync(out('plain.txt')).mode & 0o111, 0);
  });

  it('utf8: a BOM with -B 1 or no -B, none with -B 0 or 2', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const body = Buffer.from('héllo\n');
    printTo('//depot/u8.txt', 'u8-default.txt');
    assert.deepEqual(readFileSync(out('u8-default.txt')), Buffer.concat([bom, body]));
    printTo('//depot/u8.txt', 'u8-1.txt', ['-B', '1']);
    assert.deepEqual(readFileSync(out('u8-1.txt')), Buffer.concat([bom, body]));
    printTo('//depot/u8.txt', 'u8-0.txt', ['-B', '0']);
    assert.deepEqual(readFileSync(out('u8-0.txt')), body);
    printTo('//depot/u8.txt', 'u8-2.txt', ['-B', '2', '-L', 'win']);
    assert.deepEqual(readFileSync(out('u8-2.txt')), Buffer.from('héllo\r\n'));
  });

  it('utf16: UTF-16LE with a BOM, line ends applied first', () => {
    printTo('//depot/u16.txt', 'u16.txt', ['-L', 'win']);
    assert.deepEqual(readFileSync(out('u16.txt')), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo\r\nwörld\r\n', 'utf16le')]));
  });

  it('unicode: converted to the -Q charset, by name or number; UTF-8 without one', () => {
    printTo('//depot/uni.txt', 'uni-latin1.txt', ['-Q', 'iso8859-1']);
    assert.deepEqual(readFileSync(out('uni-latin1.txt')), Buffer.from('café\n', 'latin1'));
    printTo('//depot/uni.txt', 'uni-2.txt', ['-Q', '2']);
    assert.deepEqual(readFileSync(out('uni-2.txt')), Buffer.from('café\n', 'latin1'));
    printTo('//depot/uni.txt', 'uni-16be.txt', ['-Q', 'utf16be-bom']);
    assert.deepEqual(readFileSync(out('uni-16be.txt')), Buffer.from('\ufeffcafé\n', 'utf16le').swap16());
    printTo('//depot/uni.txt', 'uni-utf8.txt');
    assert.deepEqual(readFileSync(out('uni-utf8.txt')), Buffer.from('café\n'));
  });

  it('unicode: an unsupported charset is a failed record and exit status 1', () => {
    const r = p4(depot, ['-G', 'print', '-Q', 'shiftjis', '-o', out('sjis.txt'), '//depot/uni.txt']);
    assert.equal(r.status, 1);
    const recs = pythonRecords(r.stdout);
    assert.equal(String(recs[1]!['data']), "Unsupported character set 'shiftjis' (fake p4).\n");
    assert.equal(recs[1]!['severity'], 3);
  });

  it('symlink: -o makes a link to the target; binary: raw bytes', () => {
    printTo('//depot/link', 'link');
    assert.ok(lstatSync(out('link')).isSymbolicLink());
    assert.equal(readlinkSync(out('link')), '../t.txt');
    printTo('//depot/b.bin', 'b.bin', ['-L', 'win']);
    assert.deepEqual(readFileSync(out('b.bin')), Buffer.from([0xde, 0xad, 0x0a, 0x0d]));
  });

  it('corrupt: one byte of the content changes, the digest does not', () => {
    const env = { FAKE_P4_FAIL: 'corrupt://depot/t.txt' };
    const printed = p4(depot, ['print', '-q', '//depot/t.txt'], { env }).stdout;
    assert.equal(printed.length, text.length);
    assert.equal([...printed].filter((b, i) => b !== Buffer.from(text)[i]).length, 1);
    assert.equal(depot.revision('//depot/t.txt')!.digest, md5(text));
    p4(depot, ['print', '-q', '-o', out('corrupt.txt'), '//depot/t.txt'], { env });
    assert.notEqual(readFileSync(out('corrupt.txt'), 'latin1'), text);
    assert.equal(p4(depot, ['print', '-q', '//depot/x.sh'], { env }).stdout.toString(), 'echo hi\n', 'other files are intact');
  });
});

describe('fake p4 -x', () => {
  const depot = newDepot();
  const names = Array.from({ length: 300 }, (_, i) => `//depot/many/f${String(i).padStart(3, '0')}.txt`);
  depot.submit(names.map((depotFile) => ({ depotFile, content: `${depotFile}\n` })));

  it('reads 300 arguments from stdin and prints every file', () => {
    const input = names.map((n, i) => (i % 2 ? `${n}\r\n` : `${n}\n\n`)).join('');
    const r = p4(depot, ['-G', '-x', '-', 'print'], { input });
    assert.equal(r.status, 0);
    const stats = pythonRecords(r.stdout).filter((x) => x['code'] === 'stat');
    assert.deepEqual(
      stats.map((s) => s['depotFile']),
      names,
    );
    assert.deepEqual(depot.invocations().at(-1)!['xargs'], names);
  });

  it('matches ... and * wildcards in depot syntax', () => {
    const depotFiles = (arg: string) =>
      pythonRecords(p4(depot, ['-G', 'print', arg]).stdout)
        .filter((x) => x['code'] === 'stat')
        .map((s) => s['depotFile']);
    assert.deepEqual(depotFiles('//depot/many/f00*'), names.slice(0, 10));
    assert.deepEqual(depotFiles('//depot/...'), names);
    assert.deepEqual(depotFiles('//depot/*'), []);
  });

  it('runs the command once per batch of -b lines', () => {
    // -m 1 limits each server run to one file, so the number printed is the number of batches.
    const count = (args: string[]) => pythonRecords(p4(depot, ['-G', ...args, 'print', '-m', '1'], { input: names.join('\n') }).stdout).length;
    assert.equal(count(['-x', '-']), 3 * 2); // 128 + 128 + 44: a stat and a text record each
    assert.equal(count(['-b', '100', '-x', '-']), 3 * 2);
    assert.equal(count(['-b50', '-x', '-']), 6 * 2);
    const file = join(scratch, 'args.txt');
    writeFileSync(file, names.slice(0, 2).join('\n'));
    assert.equal(pythonRecords(p4(depot, ['-G', '-x', file, 'print']).stdout).length, 4);
  });
});

describe('fake p4 connection and failures', () => {
  const depot = newDepot({ users: { bob: { loggedIn: false }, alice: {} } });
  depot.submit([{ depotFile: '//depot/f.txt', content: 'x'.repeat(10_000) }]);

  it('refuses a port other than the depot address: stderr only, exit 1', () => {
    for (const port of ['otherhost:1666', `ssl:${PORT}`]) {
      const r = spawnSync(P4, ['-G', '-p', port, 'info'], { env: cleanEnv(depot) });
      assert.equal(r.status, 1);
      assert.equal(r.stdout.length, 0);
      assert.equal(r.stderr.toString(), REFUSED.replaceAll('fakehost:1666', port.replace(/^ssl:/, '')));
    }
    const viaEnv = spawnSync(P4, ['info'], { env: cleanEnv(depot, { P4PORT: PORT, P4USER: 'alice' }) });
    assert.equal(viaEnv.status, 0, viaEnv.stderr.toString());
  });

  it('refuse: every call is refused', () => {
    const r = p4(depot, ['-G', 'print', '//depot/f.txt'], { env: { FAKE_P4_FAIL: 'refuse' } });
    assert.equal(r.status, 1);
    assert.equal(r.stdout.length, 0);
    assert.equal(r.stderr.toString(), REFUSED);
  });

  it('refuse-first:2: two refusals across processes, then service', () => {
    const d = newDepot();
    const env = { FAKE_P4_FAIL: 'refuse-first:2' };
    assert.deepEqual(
      [1, 2, 3, 4].map(() => p4(d, ['info'], { env }).status),
      [1, 1, 0, 0],
    );
  });

  it('auth: a user not logged in gets the password error, exit 1; info still answers', () => {
    const g = p4(depot, ['-G', 'print', '//depot/f.txt'], { user: 'bob' });
    assert.equal(g.status, 1);
    assert.deepEqual(pythonRecords(g.stdout), [
      { code: 'error', data: Buffer.from('Perforce password (P4PASSWD) invalid or unset.\n'), severity: 3, generic: 36 },
    ]);
    const t = p4(depot, ['login', '-s'], { user: 'bob' });
    assert.equal(t.status, 1);
    assert.equal(t.stderr.toString(), 'Perforce password (P4PASSWD) invalid or unset.\n');
    assert.equal(p4(depot, ['print', '//depot/f.txt'], { env: { FAKE_P4_FAIL: 'auth' } }).status, 1);
    assert.equal(p4(depot, ['info'], { user: 'bob' }).status, 0);
    depot.setUser('bob', { loggedIn: true });
    assert.equal(p4(depot, ['login', '-s'], { user: 'bob' }).stdout.toString(), 'User bob ticket expires in 12 hours 0 minutes.\n');
    assert.deepEqual(pythonRecords(p4(depot, ['-G', 'login', '-s'], { user: 'bob' }).stdout), [
      { code: 'stat', User: 'bob', TicketExpiration: '43200' },
    ]);
  });

  it('die-after: exactly that many bytes of the normal output, then exit 1', () => {
    const full = p4(depot, ['-G', 'print', '//depot/f.txt']).stdout;
    const r = p4(depot, ['-G', 'print', '//depot/f.txt'], { env: { FAKE_P4_FAIL: 'die-after:5000' } });
    assert.equal(r.status, 1);
    assert.deepEqual(r.stdout, full.subarray(0, 5000));
    assert.equal(r.stderr.length, 0);
  });

  it('hang: no output, no exit, until killed', async () => {
    const child = spawn(P4, ['-p', PORT, '-u', 'alice', '-G', 'info'], { env: cleanEnv(depot, { FAKE_P4_FAIL: 'hang' }) });
    let output = 0;
    child.stdout.on('data', (d: Buffer) => (output += d.length));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(child.exitCode, null);
    child.kill('SIGTERM');
    assert.equal(await exited, 'SIGTERM');
    assert.equal(output, 0);
  });

  it('latency and throttling slow the run down', () => {
    let started = performance.now();
    p4(depot, ['info'], { env: { FAKE_P4_LATENCY_MS: '400' } });
    assert.ok(performance.now() - started >= 400);
    started = performance.now();
    const r = p4(depot, ['print', '-q', '//depot/f.txt'], { env: { FAKE_P4_BYTES_PER_SEC: '20000' } });
    assert.equal(r.stdout.length, 10_000);
    assert.ok(performance.now() - started >= 450);
  });

  it('logs every invocation: argv, cwd, the p4 environment (set-to-empty too), -x lines', () => {
    const d = newDepot();
    p4(d, ['-x', '-', 'print'], { env: { P4ALTSYNC: '', P4CONFIG: '.none', P4CHARSET: 'none' }, input: '//depot/a\n//depot/b\n' });
    p4(d, ['info'], { env: { FAKE_P4_FAIL: 'refuse' } });
    const [first, second] = d.invocations();
    assert.deepEqual(first!['argv'], ['-p', PORT, '-u', 'alice', '-c', 'ws', '-x', '-', 'print']);
    assert.equal(first!['cwd'], scratch);
    assert.deepEqual(first!['env'], { P4ALTSYNC: '', P4CONFIG: '.none', P4CHARSET: 'none' });
    assert.deepEqual(first!['xargs'], ['//depot/a', '//depot/b']);
    assert.deepEqual(second!['argv'], ['-p', PORT, '-u', 'alice', '-c', 'ws', 'info']);
  });
});

describe('fake p4 usage and server checks', () => {
  const depot = newDepot();

  it('unknown global flags and commands', () => {
    const flag = spawnSync(P4, ['-Y', 'info'], { env: cleanEnv(depot) });
    assert.equal(flag.status, 1);
    assert.equal(flag.stderr.toString(), 'Unknown flag.  Try ? for help.\n');
    assert.deepEqual(depot.invocations().at(-1)!['argv'], ['-Y', 'info'], 'logged too');
    const text = p4(depot, ['frobnicate']);
    assert.equal(text.status, 1);
    assert.equal(text.stderr.toString(), "Unknown command.  Try 'p4 help' for info.\n");
    const g = p4(depot, ['-G', 'frobnicate']);
    assert.equal(g.status, 1);
    assert.deepEqual(pythonRecords(g.stdout), [
      { code: 'error', data: Buffer.from("Unknown command.  Try 'p4 help' for info.\n"), severity: 3, generic: 1 },
    ]);
  });

  it('needs FAKE_P4_DEPOT to name a depot', () => {
    const env = cleanEnv(depot);
    delete env['FAKE_P4_DEPOT'];
    assert.equal(spawnSync(P4, ['info'], { env }).stderr.toString(), 'fake p4: FAKE_P4_DEPOT is not set\n');
    const missing = spawnSync(P4, ['info'], { env: { ...env, FAKE_P4_DEPOT: join(scratch, 'nowhere') } });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr.toString(), /^fake p4: FAKE_P4_DEPOT does not exist/);
  });

  it('info: text lines and a stat record', () => {
    const lines = p4(depot, ['info']).stdout.toString().split('\n');
    for (const line of [
      'User name: alice',
      'Client name: ws',
      `Server address: ${PORT}`,
      'Server version: P4D/LINUX26X86_64/2023.2/2535420 (fake)',
      'Case Handling: sensitive',
      'Unicode: disabled',
    ]) {
      assert.ok(lines.includes(line), line);
    }
    const [stat] = pythonRecords(p4(depot, ['-G', 'info']).stdout);
    assert.equal(stat!['userName'], 'alice');
    assert.equal(stat!['serverAddress'], PORT);
    assert.equal(stat!['unicode'], undefined);
  });

  it('a Unicode server wants a charset, a plain one refuses it', () => {
    const uni = newDepot({ unicode: true });
    uni.submit([{ depotFile: '//depot/u.txt', type: 'unicode', content: 'naïve\n' }]);
    assert.equal(p4(uni, ['print', '//depot/u.txt']).stderr.toString(), 'Unicode server permits only unicode enabled clients.\n');
    const withCharset = p4(uni, ['-C', 'utf8', '-G', 'print', '-Q', 'winansi', '-o', join(scratch, 'naive.txt'), '//depot/u.txt']);
    assert.equal(withCharset.status, 0, withCharset.stdout.toString());
    assert.deepEqual(readFileSync(join(scratch, 'naive.txt')), Buffer.from('naïve\n', 'latin1'));
    assert.equal(pythonRecords(p4(uni, ['-C', 'utf8', '-G', 'info']).stdout)[0]!['unicode'], 'enabled');
    assert.equal(p4(depot, ['-C', 'utf8', 'print', '//depot/x']).stderr.toString(), 'Unicode clients require a unicode enabled server.\n');
  });
});
