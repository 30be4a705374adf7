import { loadConfig, type Config } from '../config/config.js';
import { resolvePaths, type AgentPaths } from '../config/paths.js';
import { O4Error, describeError } from '../errors.js';
import { FileLog, parseLevel, type Log } from '../log/logger.js';
import { decodeRequest } from '../protocol/decode.js';
import { FdLineReader } from '../protocol/line-reader.js';
import { errorLine } from '../protocol/reply.js';
import { FdReplyWriter } from '../protocol/reply-writer.js';
import { Ledger } from '../store/ledger.js';
import { applyAltsyncOptions, parseAltsyncArgs, type AltsyncOptions } from './altsync-args.js';
import type { AgentContext, ChmodHydrator } from './context.js';
import { commandName, dispatch } from './dispatch.js';
import { guardProcessOutput } from './output-guard.js';
import { WorkspaceDirectory } from './workspaces.js';

export interface StdioAgentOptions {
  readonly input: number;
  readonly output: number;
  readonly env: NodeJS.ProcessEnv;
  /** The words after `altsync` on the command line. */
  readonly args: readonly string[];
}

/**
 * `o4-agent altsync`: the process p4 starts for an altsync workspace. Reads one request per line,
 * answers exactly one line per request, and exits on `quit` (no reply) or end of input — never for
 * any other reason: every failure becomes `{"result":false,"error":"…"}`.
 */
export async function runStdioAgent(options: StdioAgentOptions): Promise<void> {
  let args: AltsyncOptions = {};
  let startupError: O4Error | undefined;
  try {
    args = parseAltsyncArgs(options.args);
  } catch (err) {
    startupError = err as O4Error;
  }
  const env = applyAltsyncOptions(options.env, args);
  const paths = resolvePaths(env);
  let config: Config | undefined;
  try {
    config = loadConfig(paths.config);
  } catch (err) {
    startupError ??= err as O4Error;
  }
  const log = new FileLog(
    paths.agentLog,
    parseLevel(env['O4_AGENT_LOG_LEVEL'], config?.log.level ?? 'info'),
    { component: 'altsync', ...(args.label !== undefined && { label: args.label }) },
    undefined,
    config?.log,
  );
  guardProcessOutput(log);

  let ctx: AgentContext | undefined;
  try {
    if (startupError || !config) throw startupError;
    ctx = createContext(config, paths, log, env);
  } catch (err) {
    startupError = err instanceof O4Error ? err : new O4Error('CONFIG', `o4-agent cannot start: ${describeError(err)}`);
    log.error({ err: startupError.message }, 'agent start-up failed; every request will report it');
  }

  const reader = new FdLineReader(options.input);
  const writer = new FdReplyWriter(options.output);
  const debug = log.isEnabled('debug');
  for (;;) {
    const line = reader.next();
    if (line === null) break;
    const started = debug ? performance.now() : 0;
    let name = '';
    let reply: string;
    try {
      const req = decodeRequest(line.toString('utf8'));
      name = commandName(req);
      if (name === 'quit') break;
      if (!ctx) throw startupError!;
      const pending = dispatch(ctx, name, req);
      reply = typeof pending === 'string' ? pending : await pending;
    } catch (err) {
      reply = errorLine(describeError(err));
      logFailure(log, name, line, err);
    }
    if (!writer.write(reply)) break; // p4 is gone
    if (debug) log.debug({ command: name, ms: +(performance.now() - started).toFixed(3), reply: reply.trimEnd() }, 'request');
  }
  ctx?.ledger.close();
}

function createContext(config: Config, paths: AgentPaths, log: Log, env: NodeJS.ProcessEnv): AgentContext {
  const ledger = Ledger.open(paths.ledger, { busyTimeoutMs: config.ledger.busyTimeoutMs });
  ledger.checkpointInBackground(log);
  // Hydration code loads on the first chmod to writable only: a sync never pays for it.
  const hydrator: ChmodHydrator = {
    async hydrateForEdit(ws, rec, bits) {
      const { hydrateForEdit } = await import('../hydrate/edit-hydration.js');
      await hydrateForEdit({ ledger, config, paths, log, env }, ws, rec, bits);
    },
  };
  return { config, paths, ledger, log, hydrator, workspaces: new WorkspaceDirectory(ledger, log) };
}

function logFailure(log: Log, command: string, line: Buffer, err: unknown): void {
  const request = line.length > 500 ? `${line.subarray(0, 500).toString('utf8')}…` : line.toString('utf8');
  if (err instanceof O4Error) log.warn({ command, code: err.code, ...err.context, request }, err.message);
  else log.error({ command, err: err instanceof Error ? err.stack : String(err), request }, 'request failed with an internal error');
}
