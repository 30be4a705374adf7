/**
 * Failure paths through the built binary: a full disk (a tiny tmpfs), an unwritable directory.
 * Each failure must be one clear error reply, leave disk and ledger agreeing, and the agent serving.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { addVars, checkWorkspace, killStrayAgents, startAgent } from '../support/agent-session.js';
import { readLedger } from '../support/ledger-view.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const sandboxes: Sandbox[] = [];
const mounts: string[] = [];
afterEach(() => killStrayAgents());
after(() => {
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
  sandboxes.forEach((sb) => sb.cleanup());
});

const isRoot = process.getuid?.() === 0;

/** Mounts a tmpfs of the given size/inode count, or returns a reason it cannot. */
function tinyFs(dir: string, options: string): string | undefined {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return `cannot mount tmpfs: ${r.stderr.trim() || r.error?.message}`;
  mounts.push(dir);
  return undefined;
}

/** Every file on disk under root has a ledger row and every row a file (temp files never linger). */
function assertDiskAndLedgerAgree(sb: Sandbox): void {
  const onDisk = spawnSync('find', [sb.root, '-type', 'f', '-printf', '%P\\n'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).sort();
  const inLedger = readLedger(sb.home)
    .files.map((f) => String(f['rel']))
    .sort();
  assert.deepEqual(onDisk, inLedger);
}

describe('full disk', { skip: !isRoot && 'needs root to mount a tmpfs' }, () => {
  it('workspace out of inodes: add fails with a clear error, leaves nothing behind, and recovers', async (t) => {
    const sb = createSandbox();
    sandboxes.push(sb);
    const reason = tinyFs(sb.root, 'size=1m,nr_inodes=24');
    if (reason) return t.skip(reason);
    const agent = startAgent(sb);
    await checkWorkspace(agent, sb.root);
    let failure: string | undefined;
    let added = 0;
    for (let i = 0; i < 40 && !failure; i++) {
      const ex = await agent.request('add', addVars(sb.root, `f${i}.c`));
      if (ex.verdict.ok) added++;
      else failure = String(ex.verdict.fields['error']);
    }
    assert.ok(failure, 'the tmpfs must run out of inodes');
    assert.match(failure, /no space left on device \(ENOSPC\)/);
    assert.ok(added > 0);
    assert.equal(readdirSync(sb.root).filter((n) => n.startsWith('.o4tmp')).length, 0, 'no temp files');
    await agent.quit();
    assertDiskAndLedgerAgree(sb);

    const again = startAgent(sb);
    assert.equal((await again.request('delete', { path: join(sb.root, 'f0.c') })).verdict.ok, true);
    const ex = await again.request('add', addVars(sb.root, 'after-free.c'));
    assert.equal(ex.verdict.ok, true, ex.raw.toString());
    await again.quit();
    assertDiskAndLedgerAgree(sb);
  });

  it('ledger disk full: the request fails, the new placeholder is taken back, nothing is half-recorded', async (t) => {
    const sb = createSandbox();
    sandboxes.push(sb);
    const reason = tinyFs(sb.home, 'size=1m');
    if (reason) return t.skip(reason);
    const agent = startAgent(sb);
    await checkWorkspace(agent, sb.root);
    // Fill what is left of the ledger's filesystem.
    spawnSync('sh', ['-c', `dd if=/dev/zero of="${sb.home}/filler" bs=4k 2>/dev/null; true`]);
    let failure: string | undefined;
    for (let i = 0; i < 200 && !failure; i++) {
      const ex = await agent.request('add', addVars(sb.root, `d${i % 10}/f${i}.c`, { fileSize: '4096' }));
      if (!ex.verdict.ok) failure = String(ex.verdict.fields['error']);
    }
    assert.ok(failure, 'the ledger must hit the full disk');
    assert.match(failure, /ledger .*(disk full|database or disk is full)|no space left/i);
    // Still serving: a read-only request works on the full disk.
    const cf = await agent.request('checkFile', { path: join(sb.root, 'd0/f0.c') });
    assert.equal(cf.verdict.ok, true, cf.raw.toString());
    assert.equal((await agent.quit()).code, 0);
    spawnSync('rm', ['-f', join(sb.home, 'filler')]);
    assertDiskAndLedgerAgree(sb);
  });
});

describe('permissions', { skip: !isRoot && 'needs root to run the agent as another user' }, () => {
  it('an unwritable directory gives a clear error and the agent goes on', async () => {
    const sb = createSandbox();
    sandboxes.push(sb);
    const NOBODY = 65534;
    for (const d of [sb.dir, sb.home, sb.root]) {
      mkdirSync(d, { recursive: true });
      chownSync(d, NOBODY, NOBODY);
    }
    mkdirSync(join(sb.root, 'locked'), { mode: 0o755 }); // owned by root: nobody cannot write here
    const agent = startAgent(sb, { uid: NOBODY, gid: NOBODY });
    await checkWorkspace(agent, sb.root);
    const ex = await agent.request('add', addVars(sb.root, 'locked/f.c'));
    assert.equal(ex.verdict.ok, false);
    assert.match(String(ex.verdict.fields['error']), /permission denied \(EACCES\)/);
    const ok = await agent.request('add', addVars(sb.root, 'open/f.c'));
    assert.equal(ok.verdict.ok, true, ok.raw.toString());
    // The unreadable placeholder really is unreadable to its owner.
    const read = spawnSync('cat', [join(sb.root, 'open/f.c')], { uid: NOBODY, gid: NOBODY, encoding: 'utf8' });
    assert.notEqual(read.status, 0);
    assert.match(read.stderr, /Permission denied/);
    await agent.quit();
    assert.equal(existsSync(join(sb.root, 'locked/f.c')), false);
    assertDiskAndLedgerAgree(sb);
    writeFileSync(join(sb.dir, 'done'), '');
  });
});
