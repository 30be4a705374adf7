import { loadConfig, type Config } from '../config/config.js';
import { resolvePaths, type AgentPaths } from '../config/paths.js';
import { FileLog, parseLevel, type Level, type Log } from '../log/logger.js';
import { Ledger } from '../store/ledger.js';

/** What every CLI verb works with; the ledger opens on first use. */
export interface CliContext {
  readonly env: NodeJS.ProcessEnv;
  readonly paths: AgentPaths;
  readonly config: Config;
  readonly log: Log;
  readonly cwd: string;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
  ledger(): Ledger;
  close(): void;
}

export interface GlobalArgs {
  home?: string | undefined;
  json?: boolean | undefined;
  verbose?: boolean | undefined;
}

export function cliContext(args: GlobalArgs, env: NodeJS.ProcessEnv = process.env): CliContext {
  const effectiveEnv = args.home ? { ...env, O4_AGENT_HOME: args.home } : env;
  const paths = resolvePaths(effectiveEnv);
  // An invalid file fails the verbs that use a setting, when they first read one — not every verb:
  // `config set/unset` must still be able to repair the file, and `logs` to show what happened.
  let config: Config | undefined;
  let configError: unknown;
  try {
    config = loadConfig(paths.config);
  } catch (err) {
    configError = err;
  }
  const validConfig = (): Config => {
    if (!config) throw configError;
    return config;
  };
  // The configured level, as in the agent and the daemon; O4_AGENT_LOG_LEVEL overrides it.
  const log = new FileLog(paths.agentLog, logLevel(effectiveEnv, config), { component: 'cli' }, undefined, config?.log);
  let ledger: Ledger | undefined;
  return {
    env: effectiveEnv,
    paths,
    get config(): Config {
      return validConfig();
    },
    log,
    cwd: process.cwd(),
    json: args.json ?? false,
    verbose: args.verbose ?? false,
    out: process.stdout,
    err: process.stderr,
    ledger() {
      if (!ledger) {
        ledger = Ledger.open(paths.ledger, { busyTimeoutMs: validConfig().ledger.busyTimeoutMs });
        ledger.checkpointInBackground(log);
      }
      return ledger;
    },
    close() {
      ledger?.close();
    },
  };
}

/** O4_AGENT_LOG_LEVEL, else the configured level: for the CLI and the daemon it starts alike. */
export function logLevel(env: NodeJS.ProcessEnv, config: Config | undefined): Level {
  return parseLevel(env['O4_AGENT_LOG_LEVEL'], config?.log.level ?? 'info');
}
