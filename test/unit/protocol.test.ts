import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeRequest, quoteLongIntegers } from '../../src/protocol/decode.js';
import { FdLineReader } from '../../src/protocol/line-reader.js';
import { errorLine, okLine } from '../../src/protocol/reply.js';
import { addRequest, checkFileRequest, chmodRequest, deleteRequest } from '../../src/protocol/requests.js';
import { normalizeDigest, truthy } from '../../src/protocol/coerce.js';
import { O4Error } from '../../src/errors.js';

describe('decodeRequest', () => {
  it('keeps integer tokens beyond double precision as their exact text', () => {
    const req = decodeRequest('{"altSync":"add","digest":-6432227781800638996,"rev":3,"fileSize":1234567890123}');
    assert.equal(req['digest'], '-6432227781800638996');
    assert.equal(req['rev'], 3);
    assert.equal(req['fileSize'], 1234567890123);
  });

  it('never rewrites digits inside strings, including escaped quotes', () => {
    const text = '{"path":"/ws/12345678901234567890\\"x:12345678901234567890","n":12345678901234567890}';
    const out = quoteLongIntegers(text);
    assert.equal(out, '{"path":"/ws/12345678901234567890\\"x:12345678901234567890","n":"12345678901234567890"}');
    assert.equal(decodeRequest(text)['path'], '/ws/12345678901234567890"x:12345678901234567890');
  });

  it('leaves floats and exponents alone', () => {
    assert.equal(quoteLongIntegers('{"a":1234567890123456.5,"b":12345678901234567e3}'), '{"a":1234567890123456.5,"b":12345678901234567e3}');
  });

  it('rejects non-objects and malformed text with BAD_REQUEST', () => {
    for (const bad of ['', '[]', 'null', '"x"', '{"a":', '{"a":1}{"b":2}', "{'a':1}"]) {
      assert.throws(
        () => decodeRequest(bad),
        (e: unknown) => e instanceof O4Error && e.code === 'BAD_REQUEST',
        bad,
      );
    }
  });
});

describe('coercion', () => {
  it('applies the client truthiness rules', () => {
    for (const v of [true, 1, -1, 'true', 'yes', 'rw', '1']) assert.equal(truthy(v), true, String(v));
    for (const v of [false, 0, '', '0', 'false', null, undefined, {}]) assert.equal(truthy(v), false, String(v));
  });

  it('normalises digests: hex upper-cased, integer tokens kept, empty is none', () => {
    assert.equal(normalizeDigest('0123456789abcdef0123456789abcdef'), '0123456789ABCDEF0123456789ABCDEF');
    assert.equal(normalizeDigest('-6432227781800638996'), '-6432227781800638996');
    assert.equal(normalizeDigest(12345), '12345');
    assert.equal(normalizeDigest(''), undefined);
  });

  it('accepts every wire typing of the same add', () => {
    const base = { altSync: 'add', client: 'ws', port: '1666', path: '/r/a', depotFile: '//d/a' };
    const a = addRequest.parse({ ...base, rev: 3, fileSize: 10, writable: true, executable: 0, keywords: 'false', utf8bom: 1, charset: 17 });
    const b = addRequest.parse({ ...base, rev: '3', fileSize: '10', writable: 1, executable: false, keywords: 0, utf8bom: '1', charset: '17' });
    assert.deepEqual(a, b);
    assert.equal(a.charset, '17');
    assert.equal(a.noclobber, false, 'absent flags are false');
  });

  it('names the command and the key in validation errors', () => {
    assert.throws(() => addRequest.parse({ altSync: 'add', client: 'ws', path: '/r/a', rev: 1 }), /add: missing "depotFile"/);
    assert.throws(() => chmodRequest.parse({ client: 'ws', path: '/r', writable: [] }), /chmod: "writable" must be a boolean/);
    // Keys a command does not use are not validated: whatever form they come in, they are ignored.
    assert.doesNotThrow(() => chmodRequest.parse({ client: 'ws', path: '/r', rev: 'x', depotFile: 7, time: {} }));
    assert.doesNotThrow(() => checkFileRequest.parse({ client: 'ws', path: '/r', clientDepotRev: 'x' }));
    assert.throws(() => addRequest.parse({ client: 'ws', path: '/r', depotFile: '//d', rev: 2 ** 60 }), /"rev" is out of range/);
    assert.throws(() => addRequest.parse({ client: 'ws', path: '/r', depotFile: '//d', rev: 1, writable: { x: 1 } }), /"writable" must be a boolean/);
  });

  it('reads rmdir as keep, prune or preserveCWD', () => {
    const d = (rmdir: unknown) => deleteRequest.parse({ client: 'c', path: '/r/x', rmdir }).rmdir;
    assert.equal(d(undefined), 'keep');
    assert.equal(d(false), 'keep');
    assert.equal(d(1), 'prune');
    assert.equal(d('true'), 'prune');
    assert.equal(d('preserveCWD'), 'preserveCWD');
  });
});

describe('replies', () => {
  it('are single lines with a boolean result and a string error', () => {
    assert.equal(okLine(), '{"result":true}\n');
    assert.equal(okLine({ checkFile: 'same' }), '{"result":true,"checkFile":"same"}\n');
    const e = JSON.parse(errorLine('bad\nthing'));
    assert.deepEqual(e, { result: false, error: 'bad\nthing' });
    assert.equal(errorLine('x\n').split('\n').length, 2);
    assert.equal(JSON.parse(errorLine('')).error, 'o4-agent: request failed');
  });

  it('replace lone surrogates the client could not parse', () => {
    const line = errorLine('name \uD800 here');
    assert.equal(line.includes('\\ud800'), false);
    assert.equal(JSON.parse(line).error, 'name \uFFFD here');
  });
});

describe('FdLineReader', () => {
  it('splits lines, drops one trailing CR, grows for long lines, and returns a last unterminated line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'o4-lines-'));
    try {
      const long = 'x'.repeat(200_000);
      const file = join(dir, 'in');
      writeFileSync(file, `a\r\nb\r\r\n\n${long}\nlast`);
      const fd = openSync(file, 'r');
      const reader = new FdLineReader(fd, 16);
      const lines: string[] = [];
      for (let l = reader.next(); l !== null; l = reader.next()) lines.push(l.toString());
      closeSync(fd);
      assert.deepEqual(lines, ['a', 'b\r', '', long, 'last']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
