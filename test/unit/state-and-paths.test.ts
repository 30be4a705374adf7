import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { O4Error } from '../../src/errors.js';
import { checkLocalPath, inferRoot, normalizeRoot, relativeToRoot } from '../../src/fs/workspace-path.js';
import { FILE_STATES, StateTransitionError, checkFileAnswer, transition } from '../../src/store/states.js';
import { parseAltsyncArgs } from '../../src/agent/altsync-args.js';
import { clientFileMode, placeholderFileMode } from '../../src/fs/modes.js';
import { markerValue, parseMarker } from '../../src/fs/marker.js';

describe('state machine', () => {
  it('allows the documented edges', () => {
    assert.equal(transition('untracked', 'add'), 'placeholder');
    for (const s of FILE_STATES) assert.equal(transition(s, 'add'), 'placeholder');
    assert.equal(transition('placeholder', 'hydrated'), 'hydrated');
    assert.equal(transition('hydrated', 'local-write'), 'modified');
    assert.equal(transition('modified', 'local-restore-same'), 'hydrated');
    assert.equal(transition('hydrated', 'local-delete'), 'missing');
    assert.equal(transition('missing', 'local-restore-other'), 'modified');
    assert.equal(transition('hydrated', 'add-kept'), 'hydrated');
  });

  it('rejects impossible edges', () => {
    assert.throws(() => transition('hydrated', 'hydrated'), StateTransitionError);
    assert.throws(() => transition('missing', 'hydrated'), StateTransitionError);
    assert.throws(() => transition('placeholder', 'add-kept'), StateTransitionError);
    assert.throws(() => transition('untracked', 'local-write'), StateTransitionError);
  });

  it('derives every checkFile answer', () => {
    const d = 'A'.repeat(32);
    const ans = (
      state: Parameters<typeof checkFileAnswer>[0]['state'],
      onDisk: 'absent' | 'as-recorded' | 'changed',
      req?: string,
      rec: string | null = d,
    ) => checkFileAnswer({ state, onDisk, recordedDigest: rec, requestDigest: req });
    assert.equal(ans('placeholder', 'as-recorded', d), 'same');
    assert.equal(ans('placeholder', 'as-recorded', 'B'.repeat(32)), 'virtual');
    assert.equal(ans('placeholder', 'as-recorded', undefined), 'virtual');
    assert.equal(ans('placeholder', 'as-recorded', d, null), 'virtual');
    assert.equal(ans('placeholder', 'changed', d), 'exists');
    assert.equal(ans('placeholder', 'absent', d), 'missing');
    assert.equal(ans('hydrated', 'as-recorded', d), 'exists');
    assert.equal(ans('modified', 'as-recorded', d), 'exists');
    assert.equal(ans('missing', 'absent', d), 'missing');
    assert.equal(ans('untracked', 'changed'), 'exists');
    assert.equal(ans('untracked', 'absent'), 'missing');
  });
});

describe('workspace paths', () => {
  it('places paths inside the root and rejects the rest', () => {
    assert.equal(relativeToRoot('/home/u/ws', '/home/u/ws/a/b.c'), 'a/b.c');
    assert.equal(relativeToRoot('/', '/etc/x'), 'etc/x');
    for (const p of ['/home/u/wsx/a', '/home/u/ws', '/home/u', '/etc/passwd']) {
      assert.throws(
        () => relativeToRoot('/home/u/ws', p),
        (e: unknown) => e instanceof O4Error && e.code === 'OUTSIDE_ROOT',
        p,
      );
    }
  });

  it('normalises dot segments before the containment check', () => {
    assert.equal(checkLocalPath('/home/u/ws/a/../../x'), '/home/u/x');
    assert.equal(checkLocalPath('/home/u/ws//a/./b'), '/home/u/ws/a/b');
    assert.throws(() => relativeToRoot('/home/u/ws', checkLocalPath('/home/u/ws/../secret')), /outside the workspace root/);
  });

  it('rejects U+FFFD, NUL and relative paths', () => {
    assert.throws(() => checkLocalPath('/ws/caf\uFFFD'), /U\+FFFD/);
    assert.throws(() => checkLocalPath('/ws/a\0b'), /NUL/);
    assert.throws(() => checkLocalPath('ws/a'), /not an absolute path/);
  });

  it('infers a root from client and local syntax', () => {
    assert.equal(inferRoot('//ws/a/b.c', '/home/u/ws/a/b.c'), '/home/u/ws');
    assert.equal(inferRoot('//ws/b.c', '/b.c'), '/');
    assert.equal(inferRoot('//ws/a/b.c', '/home/u/other/x.c'), undefined);
    assert.equal(inferRoot('ws/a', '/x/ws/a'), undefined);
    assert.equal(normalizeRoot('/home/u/ws/'), '/home/u/ws');
    assert.equal(normalizeRoot('/'), '/');
  });
});

describe('modes and markers', () => {
  it('computes client modes from the umask', () => {
    assert.equal(clientFileMode({ writable: false, executable: false }, 0o022), 0o444);
    assert.equal(clientFileMode({ writable: true, executable: false }, 0o022), 0o644);
    assert.equal(clientFileMode({ writable: true, executable: true }, 0o002), 0o775);
    assert.equal(clientFileMode({ writable: false, executable: true }, 0o077), 0o500);
    assert.equal(placeholderFileMode('unreadable', { writable: true, executable: true }), 0);
  });

  it('round-trips the marker value and keeps it short enough to live in the inode', () => {
    const v = markerValue(123456, '-6432227781800638996');
    assert.deepEqual(parseMarker(v), { rev: 123456, digest: '-6432227781800638996' });
    assert.deepEqual(parseMarker(markerValue(1, null)), { rev: 1, digest: null });
    assert.ok(markerValue(999999, 'F'.repeat(32)).length <= 40);
    assert.equal(parseMarker('garbage'), undefined);
  });
});

describe('altsync options', () => {
  it('parses known options in both spellings and rejects unknown ones', () => {
    assert.deepEqual(parseAltsyncArgs(['--home', '/s', '--log-level=debug', '--label', 'ws@1666']), {
      home: '/s',
      logLevel: 'debug',
      label: 'ws@1666',
    });
    assert.throws(() => parseAltsyncArgs(['--client', 'x']), /unknown option "--client"/);
    assert.throws(() => parseAltsyncArgs(['--home']), /--home needs a value/);
  });
});
