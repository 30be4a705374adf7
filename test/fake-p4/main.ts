/**
 * The fake `p4` (launched by test/fake-p4/bin/p4): a Perforce client and server simulator for tests
 * and the demo, reading the depot in $FAKE_P4_DEPOT (see depot.ts). One run: global options, -x
 * arguments, the invocation log, connect (with injected failures), server-side checks, then the
 * command once per -x batch, and finally the P4ALTSYNC agent's `quit` if one was started.
 */
import { readFileSync } from 'node:fs';
import { AltsyncSession } from './altsync-session.js';
import { ClientUser, E_FAILED, EV_CONFIG, EV_USAGE, type ServerMessage } from './client-user.js';
import type { Command, CommandContext } from './commands/command.js';
import { COMMANDS } from './commands/index.js';
import { connect } from './connection.js';
import { FakeDepot } from './depot.js';
import { parseFailures, type Failures } from './failures.js';
import { logExchange, logInvocation } from './invocations.js';
import { parseGlobalOptions, UsageError, type GlobalOptions } from './options.js';
import { StdoutSink, writeAll } from './stdout-sink.js';

function fail(text: string): never {
  writeAll(2, Buffer.from(`${text}\n`));
  process.exit(1);
}

async function main(argv: string[]): Promise<number> {
  const depotDir = process.env['FAKE_P4_DEPOT'];
  if (!depotDir) fail('fake p4: FAKE_P4_DEPOT is not set');
  if (!FakeDepot.exists(depotDir)) fail(`fake p4: FAKE_P4_DEPOT does not exist: ${depotDir}`);
  let options: GlobalOptions;
  let failures: Failures;
  try {
    options = parseGlobalOptions(argv, process.env);
    failures = parseFailures(process.env['FAKE_P4_FAIL']);
  } catch (err) {
    logInvocation(depotDir, argv, []);
    fail(err instanceof UsageError ? err.message : `fake p4: ${(err as Error).message}`);
  }
  const xargs = options.argFile === undefined ? [] : readArgFile(options.argFile);
  const invocation = logInvocation(depotDir, argv, xargs);
  if (options.version) {
    writeAll(1, Buffer.from('Perforce - The Fast Software Configuration Management System.\nRev. P4/LINUX26X86_64/2023.2/2535420 (fake).\n'));
    return 0;
  }
  if (!options.command) fail('fake p4: no command given.');

  const depot = FakeDepot.open(depotDir);
  if (!connect(depot, options.port, failures)) return 1;

  const bytesPerSec = Number(process.env['FAKE_P4_BYTES_PER_SEC']) || undefined;
  const ui = new ClientUser(new StdoutSink({ dieAfter: failures.dieAfter, bytesPerSec }), options.marshal, options.quiet);
  const command = COMMANDS.get(options.command);
  const refusal = !command ? BAD_COMMAND : command.anonymous ? undefined : serverRefusal(depot, options, failures);
  if (refusal) {
    ui.message(refusal);
  } else if (command) {
    const identity = { port: options.port, client: options.client, user: options.user };
    const altsync = new AltsyncSession({ ui, env: process.env, identity, log: (exchange) => logExchange(depotDir, invocation, exchange) });
    try {
      await runBatches(command, { ui, depot, options, failures, altsync }, xargs);
    } finally {
      await altsync.close();
    }
  }
  return ui.finish();
}

/** Without -x the command runs once; with it, once per batch of -b lines, each a server run of its own. */
async function runBatches(command: Command, ctx: CommandContext, xargs: readonly string[]): Promise<void> {
  const { args, argFile, batchSize } = ctx.options;
  if (argFile === undefined) await command.run(ctx, args);
  for (let at = 0; at < xargs.length; at += batchSize) await command.run(ctx, [...args, ...xargs.slice(at, at + batchSize)]);
}

/** -x: one argument per line; CR of CRLF files dropped, empty lines skipped. */
function readArgFile(name: string): string[] {
  let text: string;
  try {
    text = readFileSync(name === '-' ? 0 : name, 'utf8');
  } catch (err) {
    fail(`open for read: ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return text
    .split('\n')
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
    .filter((l) => l !== '');
}

const BAD_COMMAND: ServerMessage = { text: "Unknown command.  Try 'p4 help' for info.", severity: E_FAILED, generic: EV_USAGE };

/** What the server says before running a command for this user and charset, if anything. */
function serverRefusal(depot: FakeDepot, options: GlobalOptions, failures: Failures): ServerMessage | undefined {
  const unicodeClient = options.charset !== undefined && options.charset !== 'none';
  if (depot.unicode && !unicodeClient)
    return { text: 'Unicode server permits only unicode enabled clients.', severity: E_FAILED, generic: EV_CONFIG };
  if (!depot.unicode && unicodeClient && options.charset !== 'auto')
    return { text: 'Unicode clients require a unicode enabled server.', severity: E_FAILED, generic: EV_CONFIG };
  if (failures.auth || !depot.loggedIn(options.user))
    return { text: 'Perforce password (P4PASSWD) invalid or unset.', severity: E_FAILED, generic: EV_CONFIG };
  return undefined;
}

process.exitCode = await main(process.argv.slice(2));
