import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { MarshalDecoder, MarshalError } from '../../src/p4/marshal.js';
import { fileTypeFromCode, parseFileType } from '../../src/p4/filetypes.js';
import { charsetName, decoderLabel } from '../../src/p4/charsets.js';
import { compilePattern } from '../../src/p4/wildcards.js';
import { classifyRunFailure } from '../../src/p4/runner.js';

/** Python's own marshal module writes the reference bytes (version 0, as p4 -G). */
function pythonMarshal(script: string): Buffer {
  const r = spawnSync('python3', ['-c', `import marshal,sys\nout=sys.stdout.buffer\n${script}`]);
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout;
}

describe('marshal decoder', () => {
  it('decodes records written by Python marshal, byte for byte', () => {
    const bytes = pythonMarshal(`
out.write(marshal.dumps({b'code': b'stat', b'depotFile': b'//depot/a.c', b'rev': b'3', b'fileSize': b'5'}, 0))
out.write(marshal.dumps({b'code': b'text', b'data': bytes(range(256))}, 0))
out.write(marshal.dumps({b'code': b'error', b'data': b'x - no such file(s).\\n', b'severity': 2, b'generic': 17}, 0))
out.write(marshal.dumps({'code': 'info', 'level': -1, 'data': 'caf\\u00e9'}, 0))
`);
    const records = new MarshalDecoder().push(bytes);
    assert.equal(records.length, 4);
    assert.deepEqual(records[0]!.fields, { code: 'stat', depotFile: '//depot/a.c', rev: '3', fileSize: '5' });
    assert.deepEqual([...records[1]!.data!], [...Array(256).keys()]);
    assert.deepEqual(records[2]!.fields, { code: 'error', severity: 2, generic: 17 });
    assert.equal(records[2]!.data!.toString(), 'x - no such file(s).\n');
    assert.equal(records[3]!.fields['level'], -1);
    assert.equal(records[3]!.data!.toString('utf8'), 'café');
  });

  it('assembles records split at every possible byte boundary', () => {
    const bytes = pythonMarshal(`
for i in range(3):
    out.write(marshal.dumps({b'code': b'binary', b'data': bytes([i]) * 1000}, 0))
`);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const d = new MarshalDecoder();
      const got = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
      assert.equal(got.length, 3, `cut at ${cut}`);
      assert.equal(got[2]!.data!.length, 1000);
      assert.equal(d.buffered, 0);
    }
    const partial = new MarshalDecoder();
    partial.push(bytes.subarray(0, 50));
    assert.ok(partial.buffered > 0, 'a cut-off stream leaves bytes buffered');
  });

  it('rejects bytes that are not p4 marshal output', () => {
    assert.throws(() => new MarshalDecoder().push(Buffer.from('Perforce client error:\n')), MarshalError);
    assert.throws(() => new MarshalDecoder().push(Buffer.from([0x7b, 0x4e])), /unsupported item type/);
  });
});

describe('file types', () => {
  it('parses base types, modifiers and legacy aliases', () => {
    assert.deepEqual(parseFileType('text'), { base: 'text', keywords: 'none', executable: false, alwaysWritable: false, keepModTime: false });
    assert.equal(parseFileType('binary+lx').executable, true);
    assert.equal(parseFileType('ktext').keywords, 'all');
    assert.equal(parseFileType('text+ko').keywords, 'ko');
    assert.equal(parseFileType('kxtext').executable, true);
    assert.equal(parseFileType('xtempobj').alwaysWritable, true);
    assert.equal(parseFileType('binary+S10w').alwaysWritable, true);
    assert.equal(parseFileType('utf16+m').keepModTime, true);
    assert.equal(parseFileType('mystery').base, 'binary');
  });

  it('reads client type codes', () => {
    assert.equal(fileTypeFromCode('0').base, 'text');
    assert.equal(fileTypeFromCode('23').base, 'text');
    assert.equal(fileTypeFromCode('23').executable, true);
    assert.equal(fileTypeFromCode('K1').base, 'utf8');
    assert.equal(fileTypeFromCode('Q').base, 'utf16');
    assert.equal(fileTypeFromCode('4').base, 'symlink');
  });

  it('maps charset codes to names and decoders', () => {
    assert.equal(charsetName('17'), 'utf16');
    assert.equal(charsetName('4'), 'shiftjis');
    assert.equal(charsetName('iso8859-1'), 'iso8859-1');
    assert.equal(charsetName('99'), undefined);
    assert.equal(decoderLabel('shiftjis'), 'shift_jis');
  });
});

describe('Perforce wildcards', () => {
  it('matches * within a directory and ... across directories', () => {
    const p = compilePattern('//depot/main/tools/....py');
    assert.equal(p.literalPrefix, '//depot/main/tools/');
    assert.ok(p.regex.test('//depot/main/tools/a.py'));
    assert.ok(p.regex.test('//depot/main/tools/x/y/z.py'));
    assert.ok(!p.regex.test('//depot/main/tools/a.pyc'));
    const star = compilePattern('//depot/*/Makefile');
    assert.ok(star.regex.test('//depot/lib/Makefile'));
    assert.ok(!star.regex.test('//depot/lib/sub/Makefile'));
    assert.ok(compilePattern('//depot/a+b(1).c').regex.test('//depot/a+b(1).c'), 'regex characters are literal');
  });

  it('allows only one ... and no positional wildcards or revisions', () => {
    assert.throws(() => compilePattern('//depot/.../x/...'), /only one "\.\.\."/);
    assert.throws(() => compilePattern('//depot/%%1/x'), /positional/);
    assert.throws(() => compilePattern('//depot/x#3'), /revision specifiers/);
  });
});

describe('p4 failure classification', () => {
  const run = (over: Partial<Parameters<typeof classifyRunFailure>[0]>) => ({
    exitCode: 1,
    signal: null,
    stderr: '',
    timedOut: false,
    truncatedBytes: 0,
    ...over,
  });
  it('tells connection, auth, timeout and crash apart', () => {
    const refused =
      'Perforce client error:\n\tConnect to server failed; check $P4PORT.\n\tTCP connect to fakehost:1666 failed.\n\tconnect: 127.0.0.1:1666: Connection refused\n';
    assert.equal(classifyRunFailure(run({ stderr: refused }), [], 1000)?.kind, 'connect');
    assert.equal(classifyRunFailure(run({ stderr: refused }), [], 1000)?.retryable, true);
    const authRecord = {
      code: 'error',
      fields: { code: 'error', severity: 3, generic: 36 },
      data: Buffer.from('Perforce password (P4PASSWD) invalid or unset.\n'),
    };
    const auth = classifyRunFailure(run({}), [authRecord], 1000);
    assert.equal(auth?.kind, 'auth');
    assert.equal(auth?.retryable, false);
    assert.match(auth!.message, /p4 login/);
    assert.equal(classifyRunFailure(run({ timedOut: true, signal: 'SIGTERM' }), [], 5000)?.kind, 'timeout');
    assert.equal(classifyRunFailure(run({ truncatedBytes: 10 }), [], 1000)?.kind, 'crashed');
    assert.equal(classifyRunFailure(run({ exitCode: 0 }), [], 1000), undefined);
  });
});
