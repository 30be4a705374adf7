import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where o4-agent keeps its state. `$O4_AGENT_HOME` makes a self-contained instance (state, config,
 * logs, socket fallback) — what tests and the demo use; otherwise the XDG base directories apply.
 */
export interface AgentPaths {
  readonly home: string;
  readonly ledger: string;
  readonly config: string;
  readonly logDir: string;
  readonly agentLog: string;
  readonly rescueDir: string;
  readonly storeDir: string;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): AgentPaths {
  const explicitHome = nonEmpty(env['O4_AGENT_HOME']);
  const home = explicitHome ?? join(nonEmpty(env['XDG_STATE_HOME']) ?? join(homedir(), '.local', 'state'), 'o4-agent');
  const config =
    nonEmpty(env['O4_AGENT_CONFIG']) ??
    (explicitHome
      ? join(explicitHome, 'config.json')
      : join(nonEmpty(env['XDG_CONFIG_HOME']) ?? join(homedir(), '.config'), 'o4-agent', 'config.json'));
  const logDir = join(home, 'log');
  return {
    home,
    ledger: join(home, 'ledger.sqlite'),
    config,
    logDir,
    agentLog: join(logDir, 'o4-agent.log'),
    rescueDir: join(home, 'rescued'),
    storeDir: join(home, 'store'),
  };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v !== '' ? v : undefined;
}
