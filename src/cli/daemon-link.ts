import type { DaemonMethod, DaemonStatus } from '../daemon/protocol.js';
import { DaemonClient, isDaemonNotRunning } from '../daemon/socket-client.js';
import type { CliContext } from './context.js';
import { formatCount, formatDuration } from './format.js';

/**
 * The CLI's side of the daemon socket, kept apart from the daemon itself so that `status` and
 * `hydrate` do not load the watcher and the hydration queue just to ask a question.
 */
/** One request to the running daemon; a DAEMON error says plainly when it does not run. */
export async function askDaemon(
  ctx: CliContext,
  method: DaemonMethod,
  params?: Record<string, unknown>,
  timeouts: { connectMs?: number; answerMs?: number } = {},
): Promise<unknown> {
  const client = await DaemonClient.open(ctx.paths, ctx.env, timeouts.connectMs);
  try {
    return await client.request(method, params, timeouts.answerMs);
  } finally {
    client.close();
  }
}

export function describeDaemon(s: DaemonStatus): string {
  const q = s.queue;
  const lines = [
    `daemon: running, pid ${s.pid}, up ${formatDuration(Date.now() - s.startedAt)}, version ${s.version}${s.paused ? ', PAUSED' : ''}`,
    `  queue: ${formatCount(q.explicit)} requested, ${formatCount(q.pinned)} pinned, ${formatCount(q.prefetch)} prefetch, ${formatCount(q.active)} in progress`,
  ];
  if (s.breaker.open) {
    lines.push(
      `  server fetches PAUSED after ${s.breaker.failures} failures until ${new Date(s.breaker.retryAt!).toLocaleTimeString()}: ${s.breaker.lastError}`,
    );
  }
  for (const w of s.watchers) {
    const dirs = w.mode === 'inotify' ? `, ${formatCount(w.directories)} directories` : '';
    lines.push(`  watching ${w.root} (${w.client}): ${w.mode}${dirs}${w.error ? `, ${w.error}` : ''}`);
  }
  if (s.lastError) lines.push(`  last error (${new Date(s.lastError.at).toLocaleString()}): ${s.lastError.message}`);
  return lines.join('\n');
}

/** The running daemon's identity, or undefined when none answers. */
export async function ping(ctx: CliContext): Promise<{ pid: number } | undefined> {
  return (await ifRunning(askDaemon(ctx, 'ping', undefined, { connectMs: 1000, answerMs: 2000 }))) as { pid: number } | undefined;
}

/** The daemon's live status, or undefined when it does not run: callers fall back to the ledger. */
export async function daemonStatus(ctx: CliContext): Promise<DaemonStatus | undefined> {
  return (await ifRunning(askDaemon(ctx, 'status', undefined, { connectMs: 1000, answerMs: 3000 }))) as DaemonStatus | undefined;
}

async function ifRunning<T>(answer: Promise<T>): Promise<T | undefined> {
  try {
    return await answer;
  } catch (err) {
    if (isDaemonNotRunning(err)) return undefined;
    throw err;
  }
}
