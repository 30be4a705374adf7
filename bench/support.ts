import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, freemem, release, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
export const BUILD_DIR = join(REPO_ROOT, 'dist', 'bench');
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

/** What the numbers were measured on, printed with every run and recorded with the results. */
export function describeMachine(benchDir: string): Record<string, string> {
  const [fsType, mountOpts] = spawnSync('findmnt', ['-n', '-o', 'FSTYPE,OPTIONS', '-T', benchDir], { encoding: 'utf8' }).stdout.trim().split(/\s+/);
  return {
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free)`,
    kernel: release(),
    node: process.version,
    filesystem: `${fsType || 'unknown'}${mountOpts ? ` (${mountOpts})` : ''} at ${benchDir}`,
  };
}

/** Compiles a C helper of the benchmarks with the system compiler. */
export function compileC(source: string, output: string): string {
  mkdirSync(BUILD_DIR, { recursive: true });
  execFileSync(process.env['CC'] ?? 'cc', ['-O2', '-Wall', '-o', output, source], { stdio: 'inherit' });
  return output;
}

export function saveResults(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2));
  return file;
}

export function table(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]!);
  const cells = [cols, ...rows.map((r) => cols.map((c) => String(r[c] ?? '')))];
  const widths = cols.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))]!;
}
