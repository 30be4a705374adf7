import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AgentPaths } from '../config/paths.js';

/**
 * Where the daemon listens. A self-contained instance ($O4_AGENT_HOME) keeps its socket inside
 * that home, so test and demo daemons never meet the user's; otherwise the socket lives under
 * $XDG_RUNTIME_DIR (private, cleared at logout), falling back to the state directory.
 *
 * A daemon started by the system manager (systemd/o4-agent@.service) has no XDG_RUNTIME_DIR while
 * the user's shell has one, so they would compute different sockets: the daemon therefore records
 * where it listens in the state directory (`run/daemon.json`), and clients look there first.
 */
export interface DaemonPaths {
  readonly socket: string;
  /** Name of the abstract socket that only one daemon per state directory can bind (Linux). */
  readonly lockName: string;
  /** The running daemon's pid and socket, for clients whose environment differs from the daemon's. */
  readonly announceFile: string;
}

/** Unix socket paths longer than this do not fit in sockaddr_un. */
const MAX_SOCKET_PATH = 104;

export function daemonPaths(paths: AgentPaths, env: NodeJS.ProcessEnv = process.env): DaemonPaths {
  const runtime = env['XDG_RUNTIME_DIR'];
  const explicitHome = env['O4_AGENT_HOME'];
  let socket = explicitHome || !runtime ? join(paths.home, 'run', 'daemon.sock') : join(runtime, 'o4-agent', 'daemon.sock');
  const id = createHash('sha256').update(paths.home).digest('hex').slice(0, 16);
  // Too long for sockaddr_un: a short private directory of our own (never the shared /tmp itself,
  // whose mode the socket server would otherwise try to make private).
  if (socket.length > MAX_SOCKET_PATH) socket = join(runtime || '/tmp', `o4-agent-${process.getuid?.() ?? 'u'}`, `${id}.sock`);
  return { socket, lockName: `\0o4-agent-daemon-${process.getuid?.() ?? 'u'}-${id}`, announceFile: join(paths.home, 'run', 'daemon.json') };
}

export const announcementSchema = z.object({ pid: z.number().int(), socket: z.string().min(1) });
export type Announcement = z.infer<typeof announcementSchema>;

/** The socket to try: the one the running daemon announced, else the one this environment implies. */
export function daemonSocket(runtime: DaemonPaths): string {
  try {
    const parsed = announcementSchema.safeParse(JSON.parse(readFileSync(runtime.announceFile, 'utf8')));
    if (parsed.success) return parsed.data.socket;
  } catch {
    // No daemon has announced itself here, or the file is unreadable: the computed path is the
    // best guess, and connecting to it reports plainly when nothing listens.
  }
  return runtime.socket;
}
