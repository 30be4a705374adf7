import yargs from 'yargs';
import { agentVersion } from '../version.js';
import type { GlobalArgs } from './context.js';
import { EXIT } from './exit-codes.js';
import { VERBS } from './verbs.js';

/** yargs rejected the arguments; the message was printed, nothing may run. */
class UsageRejected extends Error {}

/** The command-line interface; returns the process exit code. */
export async function runCli(args: string[]): Promise<number> {
  // A reader that goes away (`o4-agent logs | head`) is no error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.OK);
  });
  let cli = yargs(args)
    .scriptName('o4-agent')
    .usage('$0 <command> [options]\n\nA P4ALTSYNC workspace agent: placeholders on p4 sync, content when you need it.')
    .version(agentVersion())
    .option('home', { type: 'string', global: true, describe: 'state directory (default: $O4_AGENT_HOME or ~/.local/state/o4-agent)' })
    .option('json', { type: 'boolean', global: true, describe: 'machine-readable output' })
    .option('verbose', { alias: 'v', type: 'boolean', global: true, describe: 'more detail, including error stacks' })
    .command('altsync', 'serve the P4ALTSYNC protocol on stdin/stdout (p4 starts this; see docs/user-guide.md)');
  // No yargs handlers: yargs lays out the verb's whole help (15 ms) before running a handler, in
  // case it fails later. Parsing and validation stay with yargs; the verb runs below.
  for (const verb of VERBS) cli = cli.command(verb.command, verb.describe, verb.builder);
  let parsed: Record<string, unknown> & { _: Array<string | number> };
  try {
    parsed = await cli
      .demandCommand(1, 'name a command (see --help)')
      .strict()
      .recommendCommands()
      .wrap(Math.min(100, process.stdout.columns ?? 100))
      .fail((msg, err) => {
        if (err) throw err;
        // yargs calls an unknown command an "Unknown argument", or only asks "Did you mean status?".
        const unknown = unknownCommand(args);
        const text = unknown === undefined ? msg : `unknown command '${unknown}'${/^Did you mean/.test(msg) ? `. ${msg}` : ''}`;
        process.stderr.write(`o4-agent: ${text}\n  hint: o4-agent --help lists the commands; o4-agent <command> --help explains one\n`);
        throw new UsageRejected(msg);
      })
      .parseAsync();
  } catch (err) {
    if (err instanceof UsageRejected) return EXIT.USAGE;
    throw err;
  }
  const name = String(parsed._[0]);
  const verb = VERBS.find((v) => v.command.split(' ')[0] === name);
  if (!verb) {
    // Only `altsync` parses without being a verb: the launcher starts the agent's own bundle for it.
    process.stderr.write(`o4-agent: '${name}' runs through the launcher: bin/o4-agent ${name}\n`);
    return EXIT.USAGE;
  }
  return (await verb.load()).run(parsed as GlobalArgs);
}

/** The command word of `args` when it names no command (skipping options and the value of --home). */
function unknownCommand(args: readonly string[]): string | undefined {
  const known = new Set(['altsync', ...VERBS.map((v) => v.command.split(' ')[0]!)]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return undefined;
    if (a === '--home') i++;
    else if (!a.startsWith('-')) return known.has(a) ? undefined : a;
  }
  return undefined;
}
