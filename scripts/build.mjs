#!/usr/bin/env node
// Build: TypeScript → dist/ (ESM, for the daemon, tests and benchmarks), then two bundles, each one
// CommonJS file because that starts ~50-90 ms sooner than the ESM module tree (docs/benchmarks.md):
//   dist/altsync.cjs — the agent p4 starts for every command;
//   dist/cli.cjs     — the command line (`o4-agent status` must answer fast).
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = spawnSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', `${root}/tsconfig.json`], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  // Native addons and packages loaded lazily stay in node_modules.
  external: ['better-sqlite3', '@napi-rs/xattr', 'pino', 'chokidar'],
  define: { 'import.meta.url': '__o4_import_meta_url' },
  banner: { js: 'const __o4_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
};
await build({ ...common, entryPoints: [`${root}/src/agent/altsync-main.ts`], outfile: `${root}/dist/altsync.cjs` });
// yargs formats help on every run; src/cli/text-width.ts explains why string-width is wrapped.
const textWidth = `${root}/src/cli/text-width.ts`;
const fastTextWidth = {
  name: 'fast-text-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) => (args.importer === textWidth ? undefined : { path: textWidth }));
  },
};
await build({ ...common, entryPoints: [`${root}/src/cli/cli-main.ts`], outfile: `${root}/dist/cli.cjs`, plugins: [fastTextWidth] });
