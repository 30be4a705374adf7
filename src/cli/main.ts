import yargs, { type Argv } from 'yargs';
import { agentVersion } from '../version.js';
import { hydrateCommand } from './commands/hydrate.js';
import { seedCommand } from './commands/seed.js';
import type { GlobalArgs } from './context.js';
import { EXIT } from './exit-codes.js';

/** A verb: yargs describes its arguments, run() does the work and returns the exit code. */
interface Verb {
  readonly command: string;
  readonly describe: string;
  readonly builder: (y: Argv) => Argv;
  run(args: GlobalArgs): Promise<number>;
}

const VERBS: readonly Verb[] = [hydrateCommand, seedCommand];

/** The command-line interface; returns the process exit code. */
export async function runCli(args: string[]): Promise<number> {
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
      exitCode = await verb.run(a as GlobalArgs);
    });
  }
  await cli
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .recommendCommands()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      exitCode = EXIT.USAGE;
      process.stderr.write(`o4-agent: ${msg}\n  hint: o4-agent --help lists the commands; o4-agent <command> --help explains one\n`);
    })
    .parseAsync();
  return exitCode;
}
