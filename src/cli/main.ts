import yargs from 'yargs';
import { agentVersion } from '../version.js';

/** The command-line interface; returns the process exit code. */
export async function runCli(args: string[]): Promise<number> {
  let exitCode = 0;
  await yargs(args)
    .scriptName('o4-agent')
    .version(agentVersion())
    .command('altsync', 'serve the P4ALTSYNC protocol on stdin/stdout (started by p4; see docs/user-guide.md)')
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .fail((msg, err, y) => {
      exitCode = 2;
      process.stderr.write(`o4-agent: ${err ? err.message : msg}\n${msg && !err ? `\n${y.help()}` : ''}`);
    })
    .parseAsync();
  return exitCode;
}
