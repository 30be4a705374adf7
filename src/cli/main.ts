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
  let exitCode: number = EXIT.OK;
  let cli = yargs(args)
    .scriptName('o4-agent')
    .usage('$0 <command> [options]\n\nA P4ALTSYNC workspace agent: placeholders on p4 sync, content when you need it.')
    .version(agentVersion())
    .option('home', { type: 'string', global: true, describe: 'state directory (default: $O4_AGENT_HOME or ~/.local/state/o4-agent)' })
    .option('json', { type: 'boolean', global: true, describe: 'machine-readable output' })
    .option('verbose', { alias: 'v', type: 'boolean', global: true, describe: 'more detail, including error stacks' })
    .command('altsync', 'serve the P4ALTSYNC protocol on stdin/stdout (p4 starts this; see docs/user-guide.md)');
  for (const verb of VERBS) {
    cli = cli.command(verb.command, verb.describe, verb.builder, async (a) => {
      exitCode = await (await verb.load()).run(a as GlobalArgs);
    });
  }
  try {
    await cli
      .demandCommand(1, 'name a command (see --help)')
      .strict()
      .recommendCommands()
      .wrap(Math.min(100, process.stdout.columns ?? 100))
      .fail((msg, err) => {
        if (err) throw err;
        process.stderr.write(`o4-agent: ${msg}\n  hint: o4-agent --help lists the commands; o4-agent <command> --help explains one\n`);
        throw new UsageRejected(msg);
      })
      .parseAsync();
  } catch (err) {
    if (err instanceof UsageRejected) return EXIT.USAGE;
    throw err;
  }
  return exitCode;
}
