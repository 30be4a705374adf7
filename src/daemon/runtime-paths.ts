import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { AgentPaths } from '../config/paths.js';

/**
 * Where the daemon listens. A self-contained instance ($O4_AGENT_HOME) keeps its socket inside
 * that home, so test and demo daemons never meet the user's; otherwise the socket lives under
 * $XDG_RUNTIME_DIR (private, cleared at logout), falling back to the state directory.
 */
export interface DaemonPaths {
  readonly socket: string;
  /** Name of the abstract socket that only one daemon per state directory can bind (Linux). */
  readonly lockName: string;
  readonly pidFile: string;
}

/** Unix socket paths longer than this do not fit in sockaddr_un. */
const MAX_SOCKET_PATH = 104;

export function daemonPaths(paths: AgentPaths, env: NodeJS.ProcessEnv = process.env): DaemonPaths {
  const runtime = env['XDG_RUNTIME_DIR'];
  const explicitHome = env['O4_AGENT_HOME'];
  let socket = explicitHome || !runtime ? join(paths.home, 'run', 'daemon.sock') : join(runtime, 'o4-agent', 'daemon.sock');
  const id = createHash('sha256').update(paths.home).digest('hex').slice(0, 16);
  if (socket.length > MAX_SOCKET_PATH) socket = join(runtime ?? '/tmp', `o4-agent-${process.getuid?.() ?? 'u'}-${id}.sock`);
  return { socket, lockName: `\0o4-agent-daemon-${process.getuid?.() ?? 'u'}-${id}`, pidFile: join(paths.home, 'run', 'daemon.pid') };
}
