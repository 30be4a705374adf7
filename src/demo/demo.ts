import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { formatBytes } from '../cli/format.js';
import { O4Error } from '../errors.js';
import { packageRoot } from '../module-paths.js';
import { loadSimulator, type DemoDepotApi } from './demo-depot.js';

/**
 * `o4-agent demo`: the whole story on a machine without a Perforce server. A simulated server
 * (test/fake-p4) holds a source tree; its `p4` client syncs an altsync workspace through the real
 * o4-agent, and the real CLI and daemon take it from there. Every step runs the actual commands and
 * shows their output, and the figures in the summary are measured, not assumed.
 */
export interface DemoOptions {
  readonly files: number;
  readonly keep: boolean;
  readonly dir?: string | undefined;
  readonly out: NodeJS.WritableStream;
  /** Narrate each step (the default); off for --json. */
  readonly narrate: boolean;
}

export interface DemoReport {
  readonly dir: string | null;
  readonly files: number;
  readonly depotBytes: number;
  readonly syncMs: number;
  readonly diskBytesAfterSync: number;
  readonly checkFileAnswers: Record<string, number>;
  readonly hydratedDir: { readonly files: number; readonly bytes: number };
  readonly editNoticedMs: number;
  readonly verifyExit: number;
}

const PORT = 'demo:1666';
const USER = 'demo';
const CLIENT = 'demo-ws';
const DIRS = ['src/engine', 'src/render', 'src/net', 'src/ui', 'tools', 'docs'];

export async function runDemo(opts: DemoOptions): Promise<DemoReport> {
  const sim = await loadSimulator();
  const dir = opts.dir ? prepareDir(opts.dir) : mkdtempSync(join(tmpdir(), 'o4-agent-demo-'));
  const root = join(dir, 'workspace');
  const home = join(dir, 'o4-agent-home');
  const launcher = join(packageRoot(), 'bin', 'o4-agent');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${sim.binDir}:${process.env['PATH'] ?? ''}`,
    FAKE_P4_DEPOT: join(dir, 'server'),
    P4PORT: PORT,
    P4USER: USER,
    P4CLIENT: CLIENT,
    P4ALTSYNC: `"${launcher}" altsync`,
    O4_AGENT_HOME: home,
  };
  for (const name of ['P4CONFIG', 'P4ENVIRO', 'P4CHARSET', 'O4_AGENT_CONFIG', 'O4_AGENT_P4']) delete env[name];
  const say = (text: string) => opts.narrate && opts.out.write(`${text}\n`);
  const run = (cmd: string, args: string[], show = 8, cwd = root): Command => {
    const c = runCommand(cmd === 'o4-agent' ? launcher : cmd, args, env, cwd);
    if (opts.narrate) opts.out.write(transcript(cmd, args, c.output, show));
    if (c.status !== 0)
      throw new O4Error('DEMO', `step failed: ${cmd} ${args.join(' ')} exited ${c.status}: ${c.output.trim().split('\n').pop() ?? ''}`);
    return c;
  };

  let daemonStarted = false;
  try {
    say('o4-agent demo: no Perforce server is needed. A simulated server (the one the test suite uses, test/fake-p4)');
    say('plays p4d and the p4 client; o4-agent itself is the real thing, started by p4 through P4ALTSYNC.');
    say(`Everything lives in ${dir}${opts.keep ? '' : ' (removed at the end; --keep keeps it)'}.\n`);

    const depot = sim.create(env['FAKE_P4_DEPOT']!, PORT);
    const depotBytes = submitTree(depot, opts.files);
    depot.defineClient(CLIENT, { root, view: [['//depot/main/...', `//${CLIENT}/...`]], options: ['altsync'], owner: USER });
    say(
      `1. The server holds ${opts.files.toLocaleString('en-US')} files (${formatBytes(depotBytes)}) under //depot/main/...; workspace ${CLIENT} has the altsync option.`,
    );
    say(`   P4ALTSYNC=${env['P4ALTSYNC']}\n`);

    say('2. Sync: the server sends the agent one line per file and it writes a placeholder, no content.');
    const started = Date.now();
    mkdirSync(root, { recursive: true });
    run('p4', ['sync'], 3);
    const syncMs = Date.now() - started;
    const diskBytesAfterSync = diskUsage(root);
    say(`   ${opts.files.toLocaleString('en-US')} files in ${syncMs} ms (mostly the simulator; the agent's own cost is in docs/benchmarks.md);`);
    say(`   the workspace uses ${formatBytes(diskBytesAfterSync)} on disk instead of ${formatBytes(depotBytes)}.\n`);
    run('o4-agent', ['status'], 12);

    say('\n3. p4 diff asks the agent (checkFile) before it reads a file: an untouched placeholder of the have revision');
    say('   is "same", so nothing is read and nothing is downloaded.');
    const before = depot.invocations().length;
    run('p4', ['diff', '-se'], 4);
    const checkFileAnswers = countCheckFiles(depot.invocations().slice(before));
    say(
      `   checkFile answers: ${Object.entries(checkFileAnswers)
        .map(([a, n]) => `${n.toLocaleString('en-US')} ${a}`)
        .join(', ')}; no file was read.\n`,
    );

    say('4. Hydrate one directory: the bytes a normal sync writes, fetched with p4 print and verified by digest.');
    const hydrate = run('o4-agent', ['hydrate', '--json', 'src/engine'], 0);
    const { summary } = JSON.parse(hydrate.output) as { summary: { hydrated: number; bytes: number } };
    say(`   ${summary.hydrated} files, ${formatBytes(summary.bytes)}, hydrated and verified.`);
    run('head', ['-3', 'src/engine/module0.c'], 3);

    say('\n5. The daemon watches the workspace: a local edit is recorded at once, so p4 diff -se finds it.');
    run('o4-agent', ['daemon', 'start'], 2);
    daemonStarted = true;
    const edited = join(root, 'src/engine/module1.c');
    chmodSync(edited, 0o644);
    const editedAt = Date.now();
    writeFileSync(edited, `${readFileSync(edited, 'utf8')}/* a local change */\n`);
    const editNoticedMs = await waitForState(launcher, env, root, 'src/engine/module1.c', 'modified', editedAt);
    say(`   edit recorded after ${editNoticedMs} ms.`);
    run('p4', ['diff', '-se'], 4);
    run('o4-agent', ['why', 'src/engine/module1.c'], 12);

    say('\n6. p4 edit on a placeholder: the agent hydrates it before making it writable.');
    run('p4', ['edit', 'src/net/module3.c'], 2);
    run('head', ['-2', 'src/net/module3.c'], 2);

    say('\n7. verify compares the ledger with the disk.');
    const verify = runCommand(launcher, ['verify'], env, root);
    if (opts.narrate) opts.out.write(transcript('o4-agent', ['verify'], verify.output, 6));
    run('o4-agent', ['status'], 12);
    run('o4-agent', ['daemon', 'stop'], 2);
    daemonStarted = false;

    say(`\nDone. Try it on a real server: docs/user-guide.md. ${opts.keep ? `The demo stays in ${dir}.` : ''}`);
    return {
      dir: opts.keep ? dir : null,
      files: opts.files,
      depotBytes,
      syncMs,
      diskBytesAfterSync,
      checkFileAnswers,
      hydratedDir: { files: summary.hydrated, bytes: summary.bytes },
      editNoticedMs,
      verifyExit: verify.status,
    };
  } finally {
    if (daemonStarted) runCommand(launcher, ['daemon', 'stop'], env, root);
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}

function prepareDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length > 0) throw new O4Error('USAGE', `--dir ${dir} is not empty; the demo wants a directory of its own`);
  return dir;
}

/** A plausible source tree: C modules, scripts, docs, a few large binaries, a symlink. */
function submitTree(depot: DemoDepotApi, count: number): number {
  const files: Array<{ depotFile: string; type: string; content?: string | Buffer; symlinkTarget?: string }> = [];
  let bytes = 0;
  const add = (rel: string, type: string, content: string | Buffer) => {
    files.push({ depotFile: `//depot/main/${rel}`, type, content });
    bytes += Buffer.byteLength(content);
  };
  add('README.md', 'text', '# The demo project\n\nSynced through o4-agent.\n');
  add('tools/build.sh', 'text+x', '#!/bin/sh\nset -e\necho building\n');
  for (let i = 0; i < 4; i++) add(`assets/texture${i}.bin`, 'binary', pseudoRandom(256 * 1024, i));
  files.push({ depotFile: '//depot/main/docs/latest', type: 'symlink', symlinkTarget: '../README.md' });
  for (let i = 0; files.length < count; i++) {
    const d = DIRS[i % DIRS.length]!;
    const n = Math.floor(i / DIRS.length);
    add(`${d}/module${n}.c`, 'text', sourceFile(d, n));
  }
  depot.submit(files.slice(0, count), { user: USER, description: 'initial import' });
  return bytes;
}

function sourceFile(dir: string, n: number): string {
  const name = `${dir.replace(/\W/g, '_')}_${n}`;
  const body = Array.from({ length: 20 + (n % 40) }, (_, i) => `  total += ${name}_step(${i}); /* line ${i} */`).join('\n');
  return `/* ${dir}/module${n}.c */\n#include "common.h"\n\nint ${name}(void) {\n  int total = 0;\n${body}\n  return total;\n}\n`;
}

function pseudoRandom(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  let x = 0x9e3779b9 ^ seed;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

interface Command {
  readonly status: number;
  readonly output: string;
}

function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Command {
  const r = spawnSync(cmd, args, { env, cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new O4Error('DEMO', `cannot run ${cmd}: ${r.error.message}`);
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/** `$ cmd args` and the output indented, long outputs cut in the middle. */
function transcript(cmd: string, args: string[], output: string, show: number): string {
  const lines = output.replace(/\n$/, '').split('\n');
  const shown =
    lines.length <= show + 1
      ? lines
      : [...lines.slice(0, show - 1), `... (${(lines.length - show).toLocaleString('en-US')} more lines)`, lines.at(-1)!];
  const body = show === 0 || output.trim() === '' ? '' : `${shown.map((l) => `   ${l}`).join('\n')}\n`;
  return `   $ ${[cmd, ...args].join(' ')}\n${body}`;
}

function countCheckFiles(runs: Array<Record<string, unknown>>): Record<string, number> {
  const answers: Record<string, number> = {};
  for (const run of runs) {
    for (const x of (run['altsync'] as Array<{ command: string; reply: string }> | undefined) ?? []) {
      if (x.command !== 'checkFile') continue;
      const status = /"checkFile":"(\w+)"/.exec(x.reply)?.[1] ?? 'error';
      answers[status] = (answers[status] ?? 0) + 1;
    }
  }
  return answers;
}

/** Bytes the files below actually occupy (allocated blocks), as du counts them. */
function diskUsage(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const st = lstatSync(join(e.parentPath, e.name));
    if (!st.isDirectory()) total += st.blocks * 512;
  }
  return total;
}

async function waitForState(launcher: string, env: NodeJS.ProcessEnv, root: string, rel: string, state: string, since: number): Promise<number> {
  for (;;) {
    const why = runCommand(launcher, ['why', '--json', rel], env, root);
    if (why.status === 0 && (JSON.parse(why.output) as { state?: string }).state === state) return Date.now() - since;
    if (Date.now() - since > 15_000)
      throw new O4Error('DEMO', `the daemon did not record ${relative(root, join(root, rel))} as ${state} within 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
