/**
 * `npm run bench [-- SUITE ...]`: runs the benchmark suites (all by default) and prints each one's
 * numbers next to a baseline measured in the same run. BENCH_N scales the request counts down for
 * a quick look at the altsync suite, BENCH_SCALE (0..1) for the hydration and daemon suites; the figures in
 * docs/benchmarks.md use the defaults.
 */
import { runAltsyncBench } from './altsync-bench.js';
import { runDaemonBench } from './daemon-bench.js';
import { runHydrateBench } from './hydrate-bench.js';

const SUITES: Record<string, () => Promise<unknown>> = {
  altsync: () => {
    const n = Number(process.env['BENCH_N'] ?? 100_000);
    return runAltsyncBench({ n, paced: Math.min(n, 5_000), startupRuns: 15 });
  },
  hydrate: () => {
    const scale = Number(process.env['BENCH_SCALE'] ?? 1);
    return runHydrateBench({ small: Math.round(20_000 * scale), big: Math.max(1, Math.round(20 * scale)), bigMiB: 50 });
  },
  daemon: () => {
    const scale = Number(process.env['BENCH_SCALE'] ?? 1);
    return runDaemonBench({
      ledgerFiles: Math.round(1_000_000 * scale),
      watchedFiles: Math.round(100_000 * scale),
      burst: Math.round(10_000 * scale),
    });
  },
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in SUITES));
if (unknown.length > 0) {
  console.error(`unknown benchmark suite(s): ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(SUITES)) {
  await SUITES[name]!();
  console.log('');
}
