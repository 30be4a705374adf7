/**
 * `o4-agent demo`, the newcomer's first command: it must run start to finish on a machine without
 * a Perforce server, measure what it claims, and leave nothing behind.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AGENT_BIN, createSandbox, type Sandbox } from '../support/sandbox.js';

const sandboxes: Sandbox[] = [];
after(() => sandboxes.forEach((s) => s.cleanup()));

function demo(args: string[]): { status: number | null; stdout: string; stderr: string; dir: string } {
  const sb = createSandbox('o4-demo-test-');
  sandboxes.push(sb);
  const dir = join(sb.dir, 'demo');
  const r = spawnSync(AGENT_BIN, ['demo', '--dir', dir, ...args], { env: sb.env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, dir };
}

describe('o4-agent demo', () => {
  it('runs every step against the simulated server and reports measured figures', () => {
    const r = demo(['--files', '60', '--json']);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout) as {
      files: number;
      depotBytes: number;
      diskBytesAfterSync: number;
      checkFileAnswers: Record<string, number>;
      hydratedDir: { files: number; bytes: number };
      editNoticedMs: number;
      verifyExit: number;
      dir: string | null;
    };
    assert.equal(report.files, 60);
    assert.ok(report.depotBytes > 1024 * 1024, 'the depot holds real content (the binaries alone are 1 MiB)');
    assert.equal(report.diskBytesAfterSync, 0, 'placeholders take no blocks');
    // Every file was asked about, none needed reading: "same" for every placeholder of the have revision.
    assert.equal(report.checkFileAnswers['same'], 60, JSON.stringify(report.checkFileAnswers));
    // src/engine gets every sixth generated module.
    assert.ok(report.hydratedDir.files >= 8 && report.hydratedDir.bytes > 0, JSON.stringify(report.hydratedDir));
    assert.ok(report.editNoticedMs < 15_000);
    assert.equal(report.verifyExit, 0);
    assert.equal(report.dir, null);
    assert.equal(existsSync(r.dir), false, 'the demo removed its directory');
    assert.equal(r.stderr, '');
  });

  it('narrates each step with the commands it runs, and --keep leaves a usable workspace', () => {
    const r = demo(['--files', '30', '--keep']);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    for (const step of ['1. ', '2. Sync', '3. p4 diff', '4. Hydrate', '5. The daemon', '6. p4 edit', '7. verify'])
      assert.ok(r.stdout.includes(step), step);
    for (const cmd of ['$ p4 sync', '$ p4 diff -se', '$ o4-agent hydrate', '$ o4-agent daemon start', '$ p4 edit', '$ o4-agent verify']) {
      assert.ok(r.stdout.includes(cmd), cmd);
    }
    assert.match(r.stdout, /edit recorded after \d+ ms/);
    assert.match(r.stdout, /daemon stopped/);
    assert.ok(existsSync(join(r.dir, 'workspace', 'src', 'engine', 'module0.c')));
    assert.ok(readdirSync(join(r.dir, 'o4-agent-home')).includes('ledger.sqlite'));
  });

  it('refuses a directory that is not empty and changes nothing in it', () => {
    const sb = createSandbox('o4-demo-test-');
    sandboxes.push(sb);
    const dir = join(sb.dir, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'mine.txt'), 'keep me');
    const r = spawnSync(AGENT_BIN, ['demo', '--dir', dir], { env: sb.env, encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /not empty/);
    assert.deepEqual(readdirSync(dir), ['mine.txt']);
    const bad = spawnSync(AGENT_BIN, ['demo', '--files', '3'], { env: sb.env, encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--files wants a whole number/);
  });
});
