/**
 * Daemon and CLI benchmark.
 *  - `status` on a ledger of 1,000,000 files, next to a bare `node` start-up (the floor every CLI
 *    command pays) and to the GROUP BY scan the per-state counters replace, measured in the same run.
 *  - The daemon watching a 100,000-file workspace: time to ready, RSS, idle CPU, and a burst of
 *    10,000 edits recorded, next to a bare chokidar process watching the same tree.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { statSignature } from '../src/fs/stat-signature.js';
import { Ledger } from '../src/store/ledger.js';
import { fileRecord } from '../test/support/file-record.js';
import type { FileState } from '../src/store/states.js';
import { REPO_ROOT, describeMachine, percentile, saveResults, table } from './support.js';

const AGENT = join(REPO_ROOT, 'bin', 'o4-agent');
const CHOKIDAR_BASELINE = join(REPO_ROOT, 'dist', 'bench', 'chokidar-baseline.js');

export interface DaemonBenchOptions {
  readonly ledgerFiles: number;
  readonly watchedFiles: number;
  readonly burst: number;
  readonly quiet?: boolean;
}

export async function runDaemonBench(options: DaemonBenchOptions): Promise<Record<string, unknown>> {
  const say = (s: string) => options.quiet || console.log(s);
  const dir = mkdtempSync(join(process.env['O4_BENCH_DIR'] ?? tmpdir(), 'o4-bench-daemon-'));
  try {
    const machine = describeMachine(dir);
    say(
      `daemon and CLI benchmark: status on ${options.ledgerFiles.toLocaleString('en-US')} files; watching ${options.watchedFiles.toLocaleString('en-US')} files`,
    );
    say(
      Object.entries(machine)
        .map(([k, v]) => `  ${k}: ${v}`)
        .join('\n'),
    );
    const status = benchStatus(join(dir, 'status'), options.ledgerFiles, say);
    const watch = await benchWatch(join(dir, 'watch'), options.watchedFiles, options.burst, say);
    const results = { machine, options, status, watch };
    say(`results: ${saveResults('daemon', results)}`);
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const STATES: Array<[FileState, number]> = [
  ['placeholder', 0.7],
  ['hydrated', 0.25],
  ['modified', 0.04],
  ['missing', 0.01],
];

/** 100 files per directory, 10,000 per top-level directory. */
function relOf(i: number): string {
  return `d${Math.floor(i / 10_000)}/s${Math.floor(i / 100) % 100}/f${i}.c`;
}

/** A ledger of n files in one workspace, 100 per directory, in the state mix of a working tree. */
function buildLedger(home: string, root: string, n: number): void {
  mkdirSync(home, { recursive: true });
  const ledger = Ledger.open(join(home, 'ledger.sqlite'), { busyTimeoutMs: 5000 });
  try {
    const ws = ledger.saveWorkspace({ port: 'ssl:perforce:1666', client: 'big', root, user: 'bench', rootSource: 'check', markers: true });
    const now = Date.now();
    for (let start = 0; start < n; start += 50_000) {
      ledger.write(() => {
        for (let i = start; i < Math.min(n, start + 50_000); i++) {
          const r = (i * 2654435761) % 1000;
          let acc = 0;
          const state = STATES.find(([, share]) => (acc += share * 1000) > r)?.[0] ?? 'placeholder';
          const rel = relOf(i);
          const rec = fileRecord(ws.id, rel, {
            clientFile: `//big/${rel}`,
            rev: 1 + (i % 7),
            digest: (i * 7919).toString(16).padStart(32, '0').toUpperCase(),
            fileSize: 1000 + (i % 9000),
            lineEnd: 'local',
            state,
            statSig: state === 'missing' ? null : `${i}:0:0`,
            source: state === 'placeholder' ? null : 'server',
            hydratedAt: state === 'placeholder' ? null : now,
            updatedAt: now,
          });
          ledger.putFile(rec);
        }
      });
    }
  } finally {
    ledger.close();
  }
}

function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv, runs: number): { p50: number; min: number; output: string } {
  const times: number[] = [];
  let output = '';
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    output = r.stdout;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), min: times[0]!, output };
}

function benchStatus(dir: string, n: number, say: (s: string) => void): Record<string, unknown> {
  const home = join(dir, 'home');
  const root = join(dir, 'ws');
  let t = Date.now();
  buildLedger(home, root, n);
  const buildSec = (Date.now() - t) / 1000;
  const ledgerBytes = lstatSync(join(home, 'ledger.sqlite')).size;
  say(`  built a ledger of ${n.toLocaleString('en-US')} files in ${buildSec.toFixed(1)} s (${(ledgerBytes / 2 ** 20).toFixed(0)} MiB)`);
  const env = { ...process.env, O4_AGENT_HOME: home, O4_AGENT_LOG_LEVEL: 'warn' };
  const runs = 9;
  // Warm the page cache and the code cache once, as any second command would find them.
  timeCommand(AGENT, ['status'], env, 2);
  const node = timeCommand(process.execPath, ['-e', '0'], env, runs);
  const version = timeCommand(AGENT, ['--version'], env, runs);
  const status = timeCommand(AGENT, ['status'], env, runs);
  const json = timeCommand(AGENT, ['status', '--json'], env, runs);
  const subdir = timeCommand(AGENT, ['status', join(root, relOf(n - 1).split('/')[0]!)], env, runs);
  const why = timeCommand(AGENT, ['why', join(root, relOf(Math.floor(n * 0.74)))], env, runs);
  const reported = (JSON.parse(json.output) as { workspaces: Array<{ files: number }> }).workspaces[0]!.files;
  if (reported !== n) throw new Error(`status reported ${reported} files, expected ${n}`);
  // What status would cost without the per-state counters the triggers keep.
  const db = new Database(join(home, 'ledger.sqlite'), { readonly: true });
  t = Date.now();
  db.prepare('SELECT state, count(*), sum(file_size) FROM files WHERE workspace_id = 1 GROUP BY state').all();
  const scanMs = Date.now() - t;
  db.close();
  const rows = [
    { command: 'node -e 0 (baseline: bare start-up)', 'p50 ms': node.p50.toFixed(0), 'min ms': node.min.toFixed(0), 'vs baseline': '1.00×' },
    {
      command: 'o4-agent --version',
      'p50 ms': version.p50.toFixed(0),
      'min ms': version.min.toFixed(0),
      'vs baseline': ratio(version.p50, node.p50),
    },
    { command: 'o4-agent status', 'p50 ms': status.p50.toFixed(0), 'min ms': status.min.toFixed(0), 'vs baseline': ratio(status.p50, node.p50) },
    { command: 'o4-agent status --json', 'p50 ms': json.p50.toFixed(0), 'min ms': json.min.toFixed(0), 'vs baseline': ratio(json.p50, node.p50) },
    {
      command: 'o4-agent status <dir of 10,000>',
      'p50 ms': subdir.p50.toFixed(0),
      'min ms': subdir.min.toFixed(0),
      'vs baseline': ratio(subdir.p50, node.p50),
    },
    { command: 'o4-agent why <file>', 'p50 ms': why.p50.toFixed(0), 'min ms': why.min.toFixed(0), 'vs baseline': ratio(why.p50, node.p50) },
    { command: '(GROUP BY scan the counters replace)', 'p50 ms': String(scanMs), 'min ms': '', 'vs baseline': '' },
  ];
  say(table(rows));
  return {
    files: n,
    ledgerBytes,
    buildSec,
    nodeMs: node.p50,
    versionMs: version.p50,
    statusMs: status.p50,
    statusJsonMs: json.p50,
    subdirMs: subdir.p50,
    whyMs: why.p50,
    groupByScanMs: scanMs,
  };
}

/** 100 files per directory, placeholders as the agent makes them (empty, mode 000), rows to match. */
function buildWorkspace(home: string, root: string, n: number): string[] {
  mkdirSync(home, { recursive: true });
  const rels = Array.from({ length: n }, (_, i) => relOf(i));
  for (let i = 0; i < n; i += 100) mkdirSync(join(root, rels[i]!, '..'), { recursive: true });
  const ledger = Ledger.open(join(home, 'ledger.sqlite'), { busyTimeoutMs: 5000 });
  try {
    const ws = ledger.saveWorkspace({ port: 'ssl:perforce:1666', client: 'watched', root, user: 'bench', rootSource: 'check', markers: false });
    const now = Date.now();
    for (let start = 0; start < n; start += 20_000) {
      ledger.write(() => {
        for (let i = start; i < Math.min(n, start + 20_000); i++) {
          const abs = join(root, rels[i]!);
          closeSync(openSync(abs, 'wx', 0o000));
          ledger.putFile(
            fileRecord(ws.id, rels[i]!, {
              digest: 'D41D8CD98F00B204E9800998ECF8427E',
              fileSize: 0,
              lineEnd: 'local',
              statSig: statSignature(lstatSync(abs, { bigint: true })),
              updatedAt: now,
            }),
          );
        }
      });
    }
  } finally {
    ledger.close();
  }
  return rels;
}

interface ProcStat {
  readonly rssMiB: number;
  readonly peakMiB: number;
  readonly cpuSec: number;
}

function procStat(pid: number): ProcStat {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024, cpuSec: ticks / 100 };
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function benchWatch(dir: string, n: number, burst: number, say: (s: string) => void): Promise<Record<string, unknown>> {
  const home = join(dir, 'home');
  const root = join(dir, 'ws');
  const rels = buildWorkspace(home, root, n);
  say(`  made a workspace of ${n.toLocaleString('en-US')} placeholders in ${Math.ceil(n / 100).toLocaleString('en-US')} directories`);

  // Baseline: chokidar alone, same options, printing "ready".
  let t = Date.now();
  const bare = spawn(process.execPath, [CHOKIDAR_BASELINE, root], { stdio: ['ignore', 'pipe', 'inherit'] });
  let bareOut = '';
  bare.stdout!.on('data', (d: Buffer) => (bareOut += d.toString()));
  await waitFor(() => bareOut.includes('ready'), 300_000, 'chokidar to be ready');
  const bareReadyMs = Date.now() - t;
  const bareStat = procStat(bare.pid!);
  await stopProcess(bare);

  const env = { ...process.env, O4_AGENT_HOME: home, O4_AGENT_LOG_LEVEL: 'info' };
  const logFile = join(home, 'log', 'o4-agent.log');
  t = Date.now();
  const daemon = spawn(AGENT, ['daemon', 'run'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitFor(
      () => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('"msg":"watching workspace"'),
      300_000,
      'the daemon to be ready',
    );
    const readyMs = Date.now() - t;
    const ready = procStat(daemon.pid!);
    await new Promise((r) => setTimeout(r, 5000));
    const idle = procStat(daemon.pid!);
    const idleCpuPct = ((idle.cpuSec - ready.cpuSec) / 5) * 100;

    const db = new Database(join(home, 'ledger.sqlite'), { readonly: true });
    const modified = db.prepare("SELECT files FROM state_counts WHERE workspace_id = 1 AND state = 'modified'").pluck();
    t = Date.now();
    const step = Math.floor(n / burst);
    for (let i = 0; i < burst; i++) writeFileSync(join(root, rels[i * step]!), 'edited\n');
    const writeMs = Date.now() - t;
    await waitFor(() => ((modified.get() as number | undefined) ?? 0) >= burst, 120_000, `${burst} edits to be recorded`);
    const burstMs = Date.now() - t;
    db.close();
    const after = procStat(daemon.pid!);
    const rows = [
      {
        process: 'chokidar alone (baseline)',
        'ready s': (bareReadyMs / 1000).toFixed(1),
        'RSS MiB': bareStat.rssMiB.toFixed(0),
        'peak MiB': bareStat.peakMiB.toFixed(0),
        'idle CPU': '',
        [`${burst} edits recorded`]: '',
      },
      {
        process: 'o4-agent daemon',
        'ready s': (readyMs / 1000).toFixed(1),
        'RSS MiB': after.rssMiB.toFixed(0),
        'peak MiB': after.peakMiB.toFixed(0),
        'idle CPU': `${idleCpuPct.toFixed(1)}%`,
        [`${burst} edits recorded`]: `${(burstMs / 1000).toFixed(1)} s (writing them: ${(writeMs / 1000).toFixed(1)} s), CPU ${(after.cpuSec - idle.cpuSec).toFixed(1)} s`,
      },
    ];
    say(table(rows));
    say(`  daemon vs chokidar alone: ready ${ratio(readyMs, bareReadyMs)}, RSS ${ratio(after.rssMiB, bareStat.rssMiB)}`);
    return {
      files: n,
      baseline: { readyMs: bareReadyMs, ...bareStat },
      daemon: { readyMs, ready, idleCpuPct, burst, burstMs, writeMs, after },
    };
  } finally {
    await stopProcess(daemon);
  }
}

function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}×`;
}
