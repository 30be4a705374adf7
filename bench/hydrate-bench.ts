/**
 * Hydration benchmark: 20,000 small files (1-16 KiB) and 20 files of 50 MiB, hydrated (a) from the
 * fake p4, (b) from the local content store, (c) from a sibling workspace, next to a `cp` of the
 * same bytes between two directories measured in the same run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeDepot, fakeP4BinDir } from '../test/fake-p4/depot.js';
import { encodeRequest } from '../test/fake-p4/altsync-client.js';
import { BUILD_DIR, REPO_ROOT, compileC, describeMachine, saveResults, table } from './support.js';

const PORT = 'fakehost:1666';
const USER = 'bench';
const AGENT = join(REPO_ROOT, 'bin', 'o4-agent');

interface SetSpec {
  readonly name: string;
  readonly files: Array<{ rel: string; content: Buffer }>;
}

interface Measured {
  readonly seconds: number;
  readonly files: number;
  readonly bytes: number;
  readonly cpuSelf: number;
  readonly cpuChildren: number | null;
  readonly sources: Record<string, { files: number; bytes: number }>;
}

function smallSet(n: number): SetSpec {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const files = Array.from({ length: n }, (_, i) => {
    const size = 1024 + Math.floor(rand() * 15 * 1024);
    const content = Buffer.alloc(size);
    for (let j = 0; j < size; j += 4) content.writeUInt32LE((i * 2654435761 + j * 40503) >>> 0, Math.min(j, size - 4));
    return { rel: `small/d${Math.floor(i / 200)}/f${i}.bin`, content };
  });
  return { name: `${n.toLocaleString('en-US')} small files`, files };
}

function bigSet(n: number, mib: number): SetSpec {
  const files = Array.from({ length: n }, (_, i) => {
    const content = Buffer.allocUnsafe(mib * 1024 * 1024);
    for (let j = 0; j < content.length; j += 4096) content.writeUInt32LE((i * 7919 + j) >>> 0, j);
    return { rel: `big/f${i}.bin`, content };
  });
  return { name: `${n} files of ${mib} MiB`, files };
}

export async function runHydrateBench(options: { small: number; big: number; bigMiB: number; quiet?: boolean }): Promise<Record<string, unknown>> {
  const say = (s: string) => options.quiet || console.log(s);
  const driver = compileC(join(REPO_ROOT, 'bench', 'altsync-driver.c'), join(BUILD_DIR, 'altsync-driver'));
  const dir = mkdtempSync(join(process.env['O4_BENCH_DIR'] ?? tmpdir(), 'o4-bench-hydrate-'));
  try {
    const machine = describeMachine(dir);
    say(
      `hydration benchmark: ${options.small} small files and ${options.big} × ${options.bigMiB} MiB, from the fake p4, the store and a sibling; cp as the baseline`,
    );
    say(
      Object.entries(machine)
        .map(([k, v]) => `  ${k}: ${v}`)
        .join('\n'),
    );
    const depot = FakeDepot.create(join(dir, 'depot'), { port: PORT });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${fakeP4BinDir()}:${process.env['PATH'] ?? ''}`,
      FAKE_P4_DEPOT: join(dir, 'depot'),
      O4_AGENT_HOME: join(dir, 'home'),
      O4_AGENT_LOG_LEVEL: 'warn',
    };
    const rows: Array<Record<string, string>> = [];
    const results: Record<string, unknown> = { machine };
    for (const set of [smallSet(options.small), bigSet(options.big, options.bigMiB)]) {
      const submitted = submit(depot, set);
      const baseline = cpBaseline(dir, set);
      const measured: Record<string, Measured> = {};
      measured['server'] = hydrateWorkspace(driver, dir, env, `${slug(set.name)}-a`, submitted, {});
      measured['store'] = hydrateWorkspace(driver, dir, env, `${slug(set.name)}-b`, submitted, {});
      measured['sibling'] = hydrateWorkspace(driver, dir, env, `${slug(set.name)}-c`, submitted, {
        store: { dir: join(dir, `empty-store-${slug(set.name)}`) },
      });
      rows.push({
        set: set.name,
        source: 'cp -r (baseline)',
        'files/s': rate(set.files.length, baseline.seconds),
        'MB/s': mbps(baseline.bytes, baseline.seconds),
        'vs cp MB/s': '1.00×',
        'o4-agent CPU s': '-',
        'p4 CPU s': '-',
      });
      for (const [source, m] of Object.entries(measured)) {
        const usedAsExpected = m.sources[source]?.files === m.files;
        rows.push({
          set: set.name,
          source: usedAsExpected ? source : `${source} (sources: ${JSON.stringify(m.sources)})`,
          'files/s': rate(m.files, m.seconds),
          'MB/s': mbps(m.bytes, m.seconds),
          'vs cp MB/s': `${(m.bytes / m.seconds / (baseline.bytes / baseline.seconds)).toFixed(2)}×`,
          'o4-agent CPU s': m.cpuSelf.toFixed(2),
          'p4 CPU s': m.cpuChildren === null ? '?' : m.cpuChildren.toFixed(2),
        });
      }
      results[set.name] = { baseline, ...measured };
    }
    say('\n' + table(rows));
    if (!options.quiet) say(`\nresults saved to ${saveResults('hydrate', results)}`);
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function submit(depot: FakeDepot, set: SetSpec) {
  const files = depot.submit(
    set.files.map((f) => ({ depotFile: `//depot/main/${f.rel}`, type: 'binary', content: f.content })),
    { user: USER },
  ).files;
  return files.map((f, i) => ({ ...f, rel: set.files[i]!.rel }));
}

/** `cp -r` of the same bytes, from a directory just written (warm cache, as the store is). */
function cpBaseline(dir: string, set: SetSpec): { seconds: number; bytes: number } {
  const src = join(dir, `cp-src-${slug(set.name)}`);
  for (const f of set.files) {
    mkdirSync(join(src, f.rel, '..'), { recursive: true });
    writeFileSync(join(src, f.rel), f.content);
  }
  const dst = join(dir, `cp-dst-${slug(set.name)}`);
  const t = performance.now();
  execFileSync('cp', ['-r', src, dst]);
  const seconds = (performance.now() - t) / 1000;
  rmSync(src, { recursive: true, force: true });
  rmSync(dst, { recursive: true, force: true });
  return { seconds, bytes: set.files.reduce((a, f) => a + f.content.length, 0) };
}

/** Placeholders made through the real agent, then `o4-agent hydrate` of the whole workspace. */
function hydrateWorkspace(
  driver: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  client: string,
  files: Array<{ rel: string; depotFile: string; rev: number; digest: string | null; fileSize: number }>,
  config: object,
): Measured {
  const root = join(dir, client);
  const home = env['O4_AGENT_HOME']!;
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'config.json'), JSON.stringify(config));
  const id = { port: PORT, client, user: USER };
  const lines = [encodeRequest({ ...id, altSync: 'check', clientRoot: root })];
  for (const f of files) {
    lines.push(
      encodeRequest({
        ...id,
        altSync: 'add',
        path: join(root, f.rel),
        clientFile: `//${client}/${f.rel}`,
        depotFile: f.depotFile,
        rev: String(f.rev),
        digest: f.digest!,
        fileSize: String(f.fileSize),
        fileType: 'binary',
        writable: 'false',
        executable: 'false',
      }),
    );
  }
  const req = join(dir, `${client}.jsonl`);
  writeFileSync(req, lines.join('\n') + '\n');
  execFileSync(driver, ['--expect', '{"result":true', req, '--', AGENT, 'altsync'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const t = performance.now();
  const r = spawnSync(AGENT, ['hydrate', '--json', root], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`hydrate ${client} failed (${r.status}): ${r.stderr}`);
  const j = JSON.parse(r.stdout) as {
    summary: { hydrated: number; bytes: number; bySource: Record<string, { files: number; bytes: number }> };
    cpuSeconds: { self: number; children: number | null };
  };
  return {
    seconds,
    files: j.summary.hydrated,
    bytes: j.summary.bytes,
    cpuSelf: j.cpuSeconds.self,
    cpuChildren: j.cpuSeconds.children,
    sources: j.summary.bySource,
  };
}

function rate(n: number, s: number): string {
  return Math.round(n / s).toLocaleString('en-US');
}

function mbps(bytes: number, s: number): string {
  return (bytes / 1e6 / s).toFixed(0);
}

function slug(s: string): string {
  return createHash('md5').update(s).digest('hex').slice(0, 8);
}
