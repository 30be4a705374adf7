/**
 * Protocol conformance, commands: every command and every checkFile answer through the built
 * binary, checking the reply, the files on disk and the ledger.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { IDENTITY, addVars, checkWorkspace, killStrayAgents, md5, startAgent } from '../support/agent-session.js';
import { fileRow, readLedger } from '../support/ledger-view.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const require = createRequire(import.meta.url);
const xattr = require('@napi-rs/xattr') as typeof import('@napi-rs/xattr');

const sandboxes: Sandbox[] = [];
function sandbox(): Sandbox {
  const sb = createSandbox();
  sandboxes.push(sb);
  return sb;
}
afterEach(() => killStrayAgents());
after(() => sandboxes.forEach((sb) => sb.cleanup()));

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** Tries to read a file as an unprivileged user; root reads anything, so permission checks need another uid. */
function readableByOthers(path: string): boolean {
  const r = spawnSync('cat', [path], { uid: NOBODY, gid: NOBODY, stdio: 'ignore' });
  return r.status === 0;
}

async function session(sb: Sandbox) {
  const agent = startAgent(sb);
  await checkWorkspace(agent, sb.root);
  const ok = async (command: string, vars: Record<string, string>) => {
    const ex = await agent.request(command, vars);
    assert.equal(ex.verdict.ok, true, `${command} failed: ${ex.raw.toString()}`);
    assert.equal(ex.discarded, 0);
    return ex.verdict.fields;
  };
  const fail = async (command: string, vars: Record<string, string>, expected: RegExp) => {
    const ex = await agent.request(command, vars);
    assert.equal(ex.verdict.ok, false, `${command} should fail: ${ex.raw.toString()}`);
    assert.match(String(ex.verdict.fields['error']), expected);
  };
  const checkFile = async (path: string, digest?: string) =>
    (await ok('checkFile', { path, clientDepotFile: '//depot/main/x', clientDepotRev: '3', ...(digest !== undefined && { digest }) }))['checkFile'];
  return { agent, ok, fail, checkFile };
}

describe('check', () => {
  it('creates a missing client root and records the workspace', async () => {
    const sb = sandbox();
    const { agent } = await session(sb);
    assert.ok(statSync(sb.root).isDirectory());
    await agent.quit();
    const ws = readLedger(sb.home).workspaces;
    assert.equal(ws.length, 1);
    assert.deepEqual(
      [ws[0]!['port'], ws[0]!['client'], ws[0]!['root'], ws[0]!['user'], ws[0]!['root_source']],
      [IDENTITY.port, IDENTITY.client, sb.root, IDENTITY.user, 'check'],
    );
  });

  it('fails when the root is a file', async () => {
    const sb = sandbox();
    writeFileSync(join(sb.dir, 'afile'), 'x');
    const agent = startAgent(sb);
    const ex = await agent.request('check', { clientRoot: join(sb.dir, 'afile') });
    assert.equal(ex.verdict.ok, false);
    assert.match(String(ex.verdict.fields['error']), /exists and is not a directory/);
    await agent.quit();
  });
});

describe('add', () => {
  it('creates a sparse, unreadable, marked placeholder of the final size and records it', async () => {
    const sb = sandbox();
    const { agent, ok } = await session(sb);
    const vars = addVars(sb.root, 'deep/er/dir/main.c', { fileSize: '100000', executable: 'true' });
    await ok('add', vars);
    const path = vars['path']!;
    const st = statSync(path);
    assert.equal(st.size, 100000);
    assert.equal(st.mode & 0o777, 0, 'no permission bits until hydrated');
    assert.equal(st.blocks, 0, 'sparse: no data blocks, and the marker fits in the inode');
    assert.equal(xattr.getAttributeSync(path, 'user.o4.placeholder')?.toString(), `3 ${vars['digest']}`);
    const umask = process.umask();
    assert.equal(statSync(join(sb.root, 'deep/er')).mode & 0o777, 0o777 & ~umask, 'parents get 0777 & ~umask');
    if (isRoot) assert.equal(readableByOthers(path), false);
    await agent.quit();
    const row = fileRow(sb.home, 'deep/er/dir/main.c')!;
    assert.equal(row['state'], 'placeholder');
    assert.equal(row['depot_file'], '//depot/main/deep/er/dir/main.c');
    assert.equal(row['rev'], 3);
    assert.equal(row['digest'], vars['digest']);
    assert.equal(row['file_size'], 100000);
    assert.equal(row['executable'], 1);
    assert.equal(row['writable'], 0);
    assert.equal(row['file_type'], 'text');
    assert.equal(readdirSync(join(sb.root, 'deep/er/dir')).length, 1, 'no temp file left behind');
  });

  it('records print flags as sent, whatever their wire types', async () => {
    const sb = sandbox();
    const { agent, ok } = await session(sb);
    await ok('add', addVars(sb.root, 'u.txt', { fileType: 'utf16', keywords: '1', lineEnd: 'win', utf8bom: '2', charset: '17', type: 'O3' }));
    await ok('add', addVars(sb.root, 'k.txt', { fileType: 'text+k', keywords: 'true', lineEnd: 'unix', utf8bom: '0', charset: 'none' }));
    await agent.quit();
    const u = fileRow(sb.home, 'u.txt')!;
    assert.deepEqual([u['keywords'], u['line_end'], u['utf8bom'], u['charset'], u['type_code']], [1, 'win', 2, '17', 'O3']);
    const k = fileRow(sb.home, 'k.txt')!;
    assert.deepEqual([k['keywords'], k['line_end'], k['utf8bom'], k['charset']], [1, 'unix', 0, 'none']);
  });

  it('uses real modes when configured (placeholders.mode = real)', async () => {
    const sb = sandbox();
    mkdirSync(sb.home, { recursive: true });
    writeFileSync(join(sb.home, 'config.json'), JSON.stringify({ placeholders: { mode: 'real' } }));
    const { agent, ok } = await session(sb);
    await ok('add', addVars(sb.root, 'ro.c'));
    await ok('add', addVars(sb.root, 'rwx.sh', { writable: '1', executable: '1' }));
    const umask = process.umask();
    assert.equal(statSync(join(sb.root, 'ro.c')).mode & 0o777, 0o666 & ~umask & ~0o222);
    assert.equal(statSync(join(sb.root, 'rwx.sh')).mode & 0o777, 0o777 & ~umask);
    await agent.quit();
  });

  it('replaces its own placeholder for a new revision and keeps counters exact', async () => {
    const sb = sandbox();
    const { agent, ok } = await session(sb);
    await ok('add', addVars(sb.root, 'a.c', { fileSize: '10' }));
    const firstIno = statSync(join(sb.root, 'a.c')).ino;
    await ok('add', addVars(sb.root, 'a.c', { rev: '4', fileSize: '20', digest: md5('rev 4') }));
    assert.equal(statSync(join(sb.root, 'a.c')).size, 20);
    assert.notEqual(statSync(join(sb.root, 'a.c')).ino, firstIno);
    await ok('add', addVars(sb.root, 'b.c', { fileSize: '5' }));
    await agent.quit();
    const ledger = readLedger(sb.home);
    assert.equal(fileRow(sb.home, 'a.c')!['rev'], 4);
    assert.deepEqual(
      ledger.counts.map((c) => [c['state'], c['files'], c['bytes']]),
      [['placeholder', 2, 25]],
    );
  });

  it('refuses to clobber a writable file with noclobber, and replaces a read-only untracked file', async () => {
    const sb = sandbox();
    const { agent, ok, fail } = await session(sb);
    const writable = join(sb.root, 'mine.c');
    writeFileSync(writable, 'my work', { mode: 0o644 });
    await fail('add', addVars(sb.root, 'mine.c', { noclobber: '1' }), /Can't clobber writable file .*mine\.c/);
    assert.equal(readFileSync(writable, 'utf8'), 'my work');
    const readonly = join(sb.root, 'old.c');
    writeFileSync(readonly, 'stale copy', { mode: 0o444 });
    await ok('add', addVars(sb.root, 'old.c', { noclobber: '1' }));
    assert.equal(statSync(readonly).mode & 0o777, 0);
    await agent.quit();
  });

  it('moves a local edit aside before replacing it, and records where', async () => {
    const sb = sandbox();
    const { agent, ok } = await session(sb);
    await ok('add', addVars(sb.root, 'e.c', { fileSize: '3' }));
    const path = join(sb.root, 'e.c');
    chmodSync(path, 0o644);
    writeFileSync(path, 'precious local edit');
    await ok('add', addVars(sb.root, 'e.c', { rev: '5', fileSize: '3' }));
    await agent.quit();
    const rescued = readLedger(sb.home).rescued;
    assert.equal(rescued.length, 1);
    assert.equal(readFileSync(String(rescued[0]!['saved_to']), 'utf8'), 'precious local edit');
    assert.match(String(rescued[0]!['reason']), /replaced by \/\/depot\/main\/e\.c#5/);
    assert.equal(statSync(path).mode & 0o777, 0, 'the new placeholder is in place');
  });

  it('fails cleanly when a directory is in the way', async () => {
    const sb = sandbox();
    const { agent, fail } = await session(sb);
    mkdirSync(join(sb.root, 'dir.c'), { recursive: true });
    await fail('add', addVars(sb.root, 'dir.c'), /a directory is in the way/);
    await agent.quit();
    assert.equal(fileRow(sb.home, 'dir.c'), undefined);
  });
});

describe('added', () => {
  it('records a file the client wrote as hydrated, with its hydration keys', async () => {
    const sb = sandbox();
    const { agent, ok, fail, checkFile } = await session(sb);
    mkdirSync(join(sb.root, 'hot'), { recursive: true });
    writeFileSync(join(sb.root, 'hot/big.bin'), 'real bytes');
    await ok('added', addVars(sb.root, 'hot/big.bin', { fileType: 'binary', digest: md5('real bytes'), fileSize: '10', charset: '1' }));
    assert.equal(await checkFile(join(sb.root, 'hot/big.bin'), md5('real bytes')), 'exists');
    await fail('added', addVars(sb.root, 'hot/none.bin'), /added: .*none\.bin does not exist/);
    await agent.quit();
    const row = fileRow(sb.home, 'hot/big.bin')!;
    assert.deepEqual([row['state'], row['source'], row['charset']], ['hydrated', 'p4-client', '1']);
  });
});

describe('checkFile', () => {
  it('answers same, virtual, missing and exists exactly as the ledger and one lstat say', async () => {
    const sb = sandbox();
    const { agent, ok, checkFile } = await session(sb);
    const vars = addVars(sb.root, 'p.c');
    const path = vars['path']!;
    await ok('add', vars);
    assert.equal(await checkFile(path, vars['digest']), 'same');
    assert.equal(await checkFile(path, vars['digest']!.toLowerCase()), 'same', 'hex digests compare case-insensitively');
    assert.equal(await checkFile(path, md5('another revision')), 'virtual');
    assert.equal(await checkFile(path), 'virtual', 'no digest: let the server compare revisions');

    // Touched placeholder: the stat changed, so the client must look for itself.
    const t = new Date(Date.now() - 3600_000);
    utimesSync(path, t, t);
    assert.equal(await checkFile(path, vars['digest']), 'exists');

    // Hydrated (written by the client): exists.
    writeFileSync(join(sb.root, 'h.c'), 'x');
    await ok('added', addVars(sb.root, 'h.c', { digest: md5('x') }));
    assert.equal(await checkFile(join(sb.root, 'h.c'), md5('x')), 'exists');

    // Deleted locally: missing, for tracked and untracked paths alike.
    await ok('add', addVars(sb.root, 'gone.c'));
    spawnSync('rm', ['-f', join(sb.root, 'gone.c')]);
    assert.equal(await checkFile(join(sb.root, 'gone.c'), addVars(sb.root, 'gone.c')['digest']), 'missing');
    assert.equal(await checkFile(join(sb.root, 'never-seen.c')), 'missing');
    writeFileSync(join(sb.root, 'untracked.c'), 'u');
    assert.equal(await checkFile(join(sb.root, 'untracked.c')), 'exists');
    await agent.quit();
  });

  it('never reads or changes anything: the placeholder, its mode and the ledger stay as they were', async () => {
    const sb = sandbox();
    const { agent, ok, checkFile } = await session(sb);
    const vars = addVars(sb.root, 'ro.c');
    await ok('add', vars);
    const before = lstatSync(vars['path']!, { bigint: true });
    const rowBefore = fileRow(sb.home, 'ro.c');
    for (let i = 0; i < 5; i++) await checkFile(vars['path']!, vars['digest']);
    const afterSt = lstatSync(vars['path']!, { bigint: true });
    assert.equal(afterSt.atimeNs, before.atimeNs, 'not even read');
    assert.equal(afterSt.ctimeNs, before.ctimeNs);
    await agent.quit();
    assert.deepEqual(fileRow(sb.home, 'ro.c'), rowBefore);
  });

  it('answers for a workspace the ledger has never seen, from lstat alone', async () => {
    const sb = sandbox();
    const agent = startAgent(sb);
    writeFileSync(join(sb.dir, 'f.c'), 'x');
    const ex = await agent.request('checkFile', { path: join(sb.dir, 'f.c') });
    assert.equal(ex.verdict.fields['checkFile'], 'exists');
    await agent.quit();
  });
});

describe('delete', () => {
  it('deletes, forgets, prunes empty directories up to but never including the root, and is idempotent', async () => {
    const sb = sandbox();
    const { agent, ok } = await session(sb);
    await ok('add', addVars(sb.root, 'a/b/c/only.c'));
    await ok('add', addVars(sb.root, 'a/keep.c'));
    await ok('delete', { path: join(sb.root, 'a/b/c/only.c'), rmdir: 'true' });
    assert.equal(existsSync(join(sb.root, 'a/b')), false, 'empty a/b/c and a/b pruned');
    assert.equal(existsSync(join(sb.root, 'a/keep.c')), true);
    await ok('delete', { path: join(sb.root, 'a/keep.c'), rmdir: '1' });
    assert.equal(existsSync(join(sb.root, 'a')), false);
    assert.equal(existsSync(sb.root), true, 'the client root is never removed');
    await ok('delete', { path: join(sb.root, 'a/keep.c'), rmdir: '1' });
    await agent.quit();
    assert.equal(readLedger(sb.home).files.length, 0);
    assert.deepEqual(readLedger(sb.home).counts, []);
  });

  it('keeps directories without rmdir, and keeps the current directory with preserveCWD', async () => {
    const sb = sandbox();
    mkdirSync(join(sb.root, 'cwd/sub'), { recursive: true });
    const agent = startAgent(sb);
    await checkWorkspace(agent, sb.root);
    const ok = async (cmd: string, vars: Record<string, string>) => assert.equal((await agent.request(cmd, vars)).verdict.ok, true);
    await ok('add', addVars(sb.root, 'x/y.c'));
    await ok('delete', { path: join(sb.root, 'x/y.c') });
    assert.equal(existsSync(join(sb.root, 'x')), true);
    await agent.quit();

    // An agent whose working directory is the directory being emptied.
    const inCwd = startAgent({ ...sb, dir: join(sb.root, 'cwd') });
    await checkWorkspace(inCwd, sb.root);
    assert.equal((await inCwd.request('add', addVars(sb.root, 'cwd/sub/z.c'))).verdict.ok, true);
    assert.equal((await inCwd.request('delete', { path: join(sb.root, 'cwd/sub/z.c'), rmdir: 'preserveCWD' })).verdict.ok, true);
    assert.equal(existsSync(join(sb.root, 'cwd/sub')), false, 'sub is pruned');
    assert.equal(existsSync(join(sb.root, 'cwd')), true, 'the current directory is preserved');
    await inCwd.quit();

    // The same through a symlink to the root: the agent's cwd is the resolved path, the requests
    // name the symlinked one, and the directory is still recognised as the current one.
    const link = join(sb.dir, 'root-link');
    symlinkSync(sb.root, link);
    const viaLink = startAgent({ ...sb, dir: join(sb.root, 'cwd') });
    await checkWorkspace(viaLink, link);
    assert.equal((await viaLink.request('add', addVars(link, 'cwd/w.c'))).verdict.ok, true);
    assert.equal((await viaLink.request('delete', { path: join(link, 'cwd/w.c'), rmdir: 'preserveCWD' })).verdict.ok, true);
    assert.equal(existsSync(join(sb.root, 'cwd')), true, 'preserved, though named through the symlink');
    await viaLink.quit();
  });

  it('refuses to delete a writable file with noclobber and moves a local edit aside', async () => {
    const sb = sandbox();
    const { agent, ok, fail } = await session(sb);
    writeFileSync(join(sb.root, 'w.c'), 'writable', { mode: 0o644 });
    await fail('delete', { path: join(sb.root, 'w.c'), noclobber: 'true' }, /Can't clobber writable file/);
    assert.equal(readFileSync(join(sb.root, 'w.c'), 'utf8'), 'writable');
    await ok('add', addVars(sb.root, 'edited.c'));
    chmodSync(join(sb.root, 'edited.c'), 0o444);
    writeFileSync(join(sb.root, 'edited.c'), 'edit', { flag: 'r+' });
    await ok('delete', { path: join(sb.root, 'edited.c') });
    assert.equal(existsSync(join(sb.root, 'edited.c')), false);
    await agent.quit();
    const rescued = readLedger(sb.home).rescued;
    assert.equal(rescued.length, 1);
    assert.equal(readFileSync(String(rescued[0]!['saved_to']), 'utf8').slice(0, 4), 'edit');
  });

  it('leaves a directory at the path alone', async () => {
    const sb = sandbox();
    const { agent, ok } = await session(sb);
    mkdirSync(join(sb.root, 'd'), { recursive: true });
    await ok('delete', { path: join(sb.root, 'd') });
    assert.equal(statSync(join(sb.root, 'd')).isDirectory(), true);
    await agent.quit();
  });
});

describe('move', () => {
  it('moves file and ledger row, creates target directories, prunes the source with rmdir', async () => {
    const sb = sandbox();
    const { agent, ok, checkFile } = await session(sb);
    const vars = addVars(sb.root, 'old/dir/f.c');
    await ok('add', vars);
    await ok('move', { path: join(sb.root, 'old/dir/f.c'), path2: join(sb.root, 'new/place/g.c'), rmdir: 'true' });
    assert.equal(existsSync(join(sb.root, 'old')), false);
    assert.equal(await checkFile(join(sb.root, 'new/place/g.c'), vars['digest']), 'same', 'still our placeholder at the new path');
    // A retry after a lost reply: already moved is success.
    await ok('move', { path: join(sb.root, 'old/dir/f.c'), path2: join(sb.root, 'new/place/g.c') });
    await agent.quit();
    assert.deepEqual(
      readLedger(sb.home).files.map((f) => f['rel']),
      ['new/place/g.c'],
    );
  });

  it('refuses to overwrite an existing target unless forced, and fails when neither exists', async () => {
    const sb = sandbox();
    const { agent, ok, fail } = await session(sb);
    await ok('add', addVars(sb.root, 'm1.c'));
    await ok('add', addVars(sb.root, 'm2.c'));
    await fail('move', { path: join(sb.root, 'm1.c'), path2: join(sb.root, 'm2.c') }, /m2\.c - can't overwrite existing file\./);
    await ok('move', { path: join(sb.root, 'm1.c'), path2: join(sb.root, 'm2.c'), force: '1' });
    await fail('move', { path: join(sb.root, 'x1.c'), path2: join(sb.root, 'x2.c') }, /x1\.c - file does not exist\./);
    await fail('move', { path: join(sb.root, 'm2.c'), path2: '/tmp/outside.c' }, /outside the workspace root/);
    await agent.quit();
    assert.deepEqual(
      readLedger(sb.home).files.map((f) => f['rel']),
      ['m2.c'],
    );
  });
});

describe('move edge cases', () => {
  it('a move onto itself changes nothing, and an already-moved retry drops a stale source row', async () => {
    const sb = sandbox();
    const { agent, ok, checkFile } = await session(sb);
    const vars = addVars(sb.root, 'same.c');
    await ok('add', vars);
    await ok('move', { path: join(sb.root, 'same.c'), path2: join(sb.root, 'same.c') });
    assert.equal(await checkFile(join(sb.root, 'same.c'), vars['digest']), 'same', 'still our placeholder, still tracked');
    // Both paths tracked, only the target on disk (the move happened, its reply was lost).
    await ok('add', addVars(sb.root, 'src.c'));
    await ok('add', addVars(sb.root, 'dst.c'));
    rmSync(join(sb.root, 'src.c'));
    await ok('move', { path: join(sb.root, 'src.c'), path2: join(sb.root, 'dst.c') });
    await agent.quit();
    assert.deepEqual(
      readLedger(sb.home).files.map((f) => f['rel']),
      ['dst.c', 'same.c'],
    );
  });
});

describe('a workspace the ledger has never seen', () => {
  it('delete, move and chmod act like the client on plain files', async () => {
    const sb = sandbox();
    const agent = startAgent(sb); // no check: a re-spawned agent after the ledger was removed
    const dir = join(sb.dir, 'unknown-ws');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.c'), 'a', { mode: 0o444 });
    writeFileSync(join(dir, 'b.c'), 'b', { mode: 0o444 });
    const ok = async (cmd: string, vars: Record<string, string>) => {
      const ex = await agent.request(cmd, vars);
      assert.equal(ex.verdict.ok, true, `${cmd}: ${ex.raw.toString()}`);
    };
    await ok('move', { path: join(dir, 'a.c'), path2: join(dir, 'moved/a.c') });
    assert.equal(readFileSync(join(dir, 'moved/a.c'), 'utf8'), 'a');
    mkdirSync(join(dir, 'subdir'));
    const dirMove = await agent.request('move', { path: join(dir, 'subdir'), path2: join(dir, 'elsewhere') });
    assert.match(String(dirMove.verdict.fields['error']), /cannot move .*subdir: it is a directory/);
    await ok('delete', { path: join(dir, 'b.c'), rmdir: 'true' });
    assert.equal(existsSync(join(dir, 'b.c')), false);
    assert.equal(existsSync(dir), true, 'no directory is pruned without a known root');
    await ok('delete', { path: join(dir, 'never-there.c') });
    await ok('chmod', { path: join(dir, 'moved/a.c'), writable: 'true' });
    assert.equal(statSync(join(dir, 'moved/a.c')).mode & 0o222, 0o222 & ~process.umask());
    await agent.quit();
    assert.equal(readLedger(sb.home).workspaces.length, 0, 'none of this registered a workspace');
  });
});

describe('chmod', () => {
  it('keeps a placeholder unreadable when made read-only or executable, recording the bits', async () => {
    const sb = sandbox();
    const { agent, ok } = await session(sb);
    await ok('add', addVars(sb.root, 'tool.sh'));
    await ok('chmod', { path: join(sb.root, 'tool.sh'), writable: 'false', executable: 'true', depotFile: '//depot/main/tool.sh', rev: '3' });
    assert.equal(statSync(join(sb.root, 'tool.sh')).mode & 0o777, 0);
    await agent.quit();
    assert.equal(fileRow(sb.home, 'tool.sh')!['executable'], 1);
  });

  it('sets client modes on real files and leaves symlinks alone', async () => {
    const sb = sandbox();
    const { agent, ok, fail } = await session(sb);
    writeFileSync(join(sb.root, 'r.c'), 'x');
    await ok('added', addVars(sb.root, 'r.c', { digest: md5('x') }));
    await ok('chmod', { path: join(sb.root, 'r.c'), writable: 'true', executable: 'false' });
    const umask = process.umask();
    assert.equal(statSync(join(sb.root, 'r.c')).mode & 0o777, 0o666 & ~umask);
    await ok('chmod', { path: join(sb.root, 'r.c'), perms: 'ro' });
    assert.equal(statSync(join(sb.root, 'r.c')).mode & 0o777, 0o444 & ~umask);
    symlinkSync('r.c', join(sb.root, 'link'));
    await ok('chmod', { path: join(sb.root, 'link'), writable: 'true' });
    await fail('chmod', { path: join(sb.root, 'absent.c'), writable: 'true' }, /absent\.c - file does not exist\./);
    await agent.quit();
    assert.equal(fileRow(sb.home, 'r.c')!['writable'], 0);
  });
});
