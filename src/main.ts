/**
 * Entry point. The altsync agent is started by p4 for every command, so its path imports only what
 * it needs; the CLI framework and everything else load only for the other verbs.
 */
const args = process.argv.slice(2);

if (args[0] === 'altsync') {
  const { runStdioAgent } = await import('./agent/stdio-agent.js');
  await runStdioAgent({ input: 0, output: 1, env: process.env, args: args.slice(1) });
  process.exit(0);
} else {
  const { runCli } = await import('./cli/main.js');
  process.exitCode = await runCli(args);
}
