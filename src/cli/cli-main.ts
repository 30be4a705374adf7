/**
 * Entry of the bundled command line (dist/cli.cjs): one CommonJS file starts ~90 ms sooner than the
 * ESM module tree (docs/benchmarks.md); each verb's implementation still loads only when it runs.
 */
import { runCli } from './main.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`o4-agent: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 3;
  },
);
