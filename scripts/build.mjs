#!/usr/bin/env node
// Build: TypeScript → dist/ (ESM, for the CLI, daemon and tests), then the altsync agent bundled
// into one CommonJS file, dist/altsync.cjs, because p4 starts it for every command and a single
// CommonJS file starts about 50 ms sooner than the ESM module tree (docs/benchmarks.md).
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = spawnSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', `${root}/tsconfig.json`], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

await build({
  entryPoints: [`${root}/src/agent/altsync-main.ts`],
  outfile: `${root}/dist/altsync.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  // Native addons and lazily loaded packages stay in node_modules.
  external: ['better-sqlite3', '@napi-rs/xattr', 'pino'],
  define: { 'import.meta.url': '__o4_import_meta_url' },
  banner: { js: 'const __o4_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
