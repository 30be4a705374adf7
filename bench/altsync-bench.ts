/**
 * Benchmark of the stdio agent: N `add` requests (one p4 sync), then N `checkFile` (one p4 diff),
 * through the built bin/o4-agent one request at a time as the P4 client sends them, next to a
 * trivial echo agent on the same pipes; plus start-up cost for one-request commands (`p4 edit x`).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRequest } from '../test/fake-p4/altsync-client.js';
import { BUILD_DIR, REPO_ROOT, compileC, describeMachine, percentile, saveResults, table } from './support.js';

interface DriverResult {
  requests: number;
  bad: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  p999_us: number;
  max_us: number;
  total_s: number;
  per_s: number;
  first_reply_ms: number;
  quit_exit_ms: number;
  max_rss_kb: number;
  user_cpu_s: number;
  sys_cpu_s: number;
}

const IDENTITY = { port: 'ssl:perforce.example.com:1666', client: 'bench-ws', user: 'bench' };
const AGENT = [join(REPO_ROOT, 'bin', 'o4-agent'), 'altsync'];
const ECHO = [process.execPath, join(BUILD_DIR, 'echo-agent.js')];

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex').toUpperCase();
}

function line(command: string, vars: Record<string, string>): string {
  return encodeRequest({ ...vars, ...IDENTITY, altSync: command });
}

/** A workspace shaped like a source tree: 100 files per directory, three levels deep. */
function relPath(i: number): string {
  const dir = Math.floor(i / 100);
  return `src/module${Math.floor(dir / 100)}/pkg${dir % 100}/file${i % 100}.cpp`;
}

function writeRequests(dir: string, root: string, n: number, paced: number): { adds: string; checks: string; check: string; pacedAdds: string } {
  const check = line('check', { clientRoot: root });
  const adds: string[] = [check];
  const checks: string[] = [];
  for (let i = 0; i < n; i++) {
    const rel = relPath(i);
    const digest = md5(rel);
    adds.push(
      line('add', {
        path: `${root}/${rel}`,
        clientFile: `//${IDENTITY.client}/${rel}`,
        depotFile: `//depot/main/${rel}`,
        rev: String(1 + (i % 17)),
        digest,
        fileSize: String(1024 + (i % 15) * 1024),
        fileType: 'text',
        writable: 'false',
        executable: 'false',
        noclobber: 'true',
      }),
    );
    checks.push(line('checkFile', { path: `${root}/${rel}`, clientDepotFile: `//depot/main/${rel}`, clientDepotRev: String(1 + (i % 17)), digest }));
  }
  const files = {
    adds: join(dir, 'adds.jsonl'),
    checks: join(dir, 'checks.jsonl'),
    check: join(dir, 'check.jsonl'),
    pacedAdds: join(dir, 'paced-adds.jsonl'),
  };
  writeFileSync(files.adds, adds.join('\n') + '\n');
  const pacedRoot = `${root}-paced`;
  writeFileSync(
    files.pacedAdds,
    adds
      .slice(0, paced + 1)
      .map((l) => l.split(root).join(pacedRoot))
      .join('\n') + '\n',
  );
  writeFileSync(files.checks, checks.join('\n') + '\n');
  writeFileSync(files.check, check + '\n');
  return files;
}

function drive(driver: string, requests: string, argv: string[], env: NodeJS.ProcessEnv, expect: string, sleepUs = 0): DriverResult {
  const out = execFileSync(driver, ['--sleep-us', String(sleepUs), '--expect', expect, requests, '--', ...argv], {
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as DriverResult;
}

function startupRuns(
  driver: string,
  requests: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  runs: number,
): { first: number; quit: number; rssMb: number } {
  const first: number[] = [];
  const quit: number[] = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const r = drive(driver, requests, argv, env, '{"result":true');
    first.push(r.first_reply_ms);
    quit.push(r.quit_exit_ms);
    rss = Math.max(rss, r.max_rss_kb);
  }
  first.sort((a, b) => a - b);
  quit.sort((a, b) => a - b);
  return { first: percentile(first, 0.5), quit: percentile(quit, 0.5), rssMb: rss / 1024 };
}

export async function runAltsyncBench(options: { n: number; paced: number; startupRuns: number; quiet?: boolean }): Promise<Record<string, unknown>> {
  const say = (s: string) => options.quiet || console.log(s);
  const driver = compileC(join(REPO_ROOT, 'bench', 'altsync-driver.c'), join(BUILD_DIR, 'altsync-driver'));
  const dir = mkdtempSync(join(process.env['O4_BENCH_DIR'] ?? tmpdir(), 'o4-bench-altsync-'));
  try {
    const root = join(dir, 'ws');
    const env = { ...process.env, O4_AGENT_HOME: join(dir, 'home'), O4_AGENT_LOG_LEVEL: 'warn' };
    const files = writeRequests(dir, root, options.n, options.paced);
    const machine = describeMachine(dir);
    say(`altsync benchmark: ${options.n} add then ${options.n} checkFile, one request at a time (C driver playing the P4 client)`);
    say(
      Object.entries(machine)
        .map(([k, v]) => `  ${k}: ${v}`)
        .join('\n'),
    );

    const echoAdd = drive(driver, files.adds, ECHO, env, '{"result":true');
    const add = drive(driver, files.adds, AGENT, env, '{"result":true');
    const echoCheck = drive(driver, files.checks, ECHO, env, '{"result":true}');
    const checkFile = drive(driver, files.checks, AGENT, env, '{"result":true,"checkFile":"same"}');
    // Paced like the real client, which sleeps ~1 ms before each request (spec §2.6).
    const echoPaced = drive(driver, files.pacedAdds, ECHO, env, '{"result":true', 1000);
    const addPaced = drive(driver, files.pacedAdds, AGENT, env, '{"result":true', 1000);
    const startAgent = startupRuns(driver, files.check, AGENT, env, options.startupRuns);
    const startEcho = startupRuns(driver, files.check, ECHO, env, options.startupRuns);

    const row = (name: string, r: DriverResult, base: DriverResult) => ({
      scenario: name,
      requests: r.requests,
      'p50 µs': r.p50_us.toFixed(1),
      'p99 µs': r.p99_us.toFixed(1),
      'p99.9 µs': r.p999_us.toFixed(1),
      'req/s': r.per_s.toFixed(0),
      'p50 vs echo': `${(r.p50_us / base.p50_us).toFixed(2)}×`,
      'agent CPU s': (r.user_cpu_s + r.sys_cpu_s).toFixed(2),
      'max RSS MB': (r.max_rss_kb / 1024).toFixed(0),
    });
    const rows = [
      row('echo agent (add lines)', echoAdd, echoAdd),
      row('o4-agent add (placeholder + ledger)', add, echoAdd),
      row('echo agent (checkFile lines)', echoCheck, echoCheck),
      row('o4-agent checkFile', checkFile, echoCheck),
      row('echo agent, paced 1 ms (add lines)', echoPaced, echoPaced),
      row('o4-agent add, paced 1 ms', addPaced, echoPaced),
    ];
    say('\n' + table(rows));
    const startRows = [
      {
        process: 'echo agent (node, no imports)',
        'first reply ms (p50)': startEcho.first.toFixed(1),
        'quit→exit ms (p50)': startEcho.quit.toFixed(1),
        'max RSS MB': startEcho.rssMb.toFixed(0),
      },
      {
        process: 'o4-agent altsync',
        'first reply ms (p50)': startAgent.first.toFixed(1),
        'quit→exit ms (p50)': startAgent.quit.toFixed(1),
        'max RSS MB': startAgent.rssMb.toFixed(0),
      },
    ];
    say(`\nstart-up, one check request per process (${options.startupRuns} runs):\n` + table(startRows));
    const targets = [
      ['add p50 ≤ 150 µs', add.p50_us <= 150],
      ['checkFile p50 ≤ 80 µs', checkFile.p50_us <= 80],
      ['add and checkFile p99 ≤ 1 ms', add.p99_us <= 1000 && checkFile.p99_us <= 1000],
      ['agent RSS ≤ 150 MB', Math.max(add.max_rss_kb, checkFile.max_rss_kb) <= 150 * 1024],
      ['first reply ≤ 100 ms after exec', startAgent.first <= 100],
    ] as const;
    say('\ntargets:\n' + targets.map(([t, ok]) => `  ${ok ? 'met ' : 'MISSED'}  ${t}`).join('\n'));
    const result = {
      machine,
      n: options.n,
      echoAdd,
      add,
      echoCheck,
      checkFile,
      echoPaced,
      addPaced,
      startAgent,
      startEcho,
      targets: Object.fromEntries(targets),
    };
    if (!options.quiet) say(`\nresults saved to ${saveResults('altsync', result)}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
