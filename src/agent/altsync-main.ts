/**
 * Entry of the bundled altsync agent (dist/altsync.cjs): the one file p4 starts for every command.
 * A single CommonJS file starts in about the time of a bare `node` (see docs/benchmarks.md);
 * the module tree of the rest of o4-agent is never loaded here.
 */
import { runStdioAgent } from './stdio-agent.js';

void runStdioAgent({ input: 0, output: 1, env: process.env, args: process.argv.slice(2) }).then(
  () => process.exit(0),
  () => process.exit(1),
);
