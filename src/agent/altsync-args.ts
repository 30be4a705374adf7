import { O4Error } from '../errors.js';

/**
 * Options of `o4-agent altsync`, parsed by hand: the agent's start-up path must not load the CLI
 * framework. Values may come from the client's %var% expansion, e.g. `--label %P4CLIENT%`.
 */
export interface AltsyncOptions {
  /** State directory, overriding O4_AGENT_HOME. */
  home?: string;
  config?: string;
  logLevel?: string;
  /** Free text added to every log record, to tell agents apart. */
  label?: string;
}

const VALUE_OPTIONS: Record<string, keyof AltsyncOptions> = {
  '--home': 'home',
  '--config': 'config',
  '--log-level': 'logLevel',
  '--label': 'label',
};

export function parseAltsyncArgs(args: readonly string[]): AltsyncOptions {
  const out: AltsyncOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const key = VALUE_OPTIONS[name];
    if (!key) throw new O4Error('USAGE', `o4-agent altsync: unknown option ${JSON.stringify(arg)} (known: ${Object.keys(VALUE_OPTIONS).join(', ')})`);
    const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new O4Error('USAGE', `o4-agent altsync: ${name} needs a value`);
    out[key] = value;
  }
  return out;
}

/** The environment the agent resolves its paths and log level from, with the options applied. */
export function applyAltsyncOptions(env: NodeJS.ProcessEnv, opts: AltsyncOptions): NodeJS.ProcessEnv {
  return {
    ...env,
    ...(opts.home !== undefined && { O4_AGENT_HOME: opts.home }),
    ...(opts.config !== undefined && { O4_AGENT_CONFIG: opts.config }),
    ...(opts.logLevel !== undefined && { O4_AGENT_LOG_LEVEL: opts.logLevel }),
  };
}
