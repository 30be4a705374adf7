import type { Writable } from 'node:stream';
import type { Log } from '../log/logger.js';
import { nodeRequire } from '../module-paths.js';

/**
 * For the altsync agent, stdout carries replies and stderr is the same pipe (p4 dups it). The
 * launcher already points fd 2 at a log file; this also reroutes everything in the process that
 * would write through `process.stdout`/`process.stderr` (console.*, warnings, libraries) to the log,
 * so only the reply writer ever touches fd 1. It must run before anything touches those streams.
 * The replacement streams are built on first use: most agents never need them.
 */
export function guardProcessOutput(log: Log): void {
  const sink = (stream: 'stdout' | 'stderr'): Writable => {
    const { Writable: WritableStream } = nodeRequire('node:stream') as typeof import('node:stream');
    return new WritableStream({
      write(chunk: Buffer | string, _encoding, callback) {
        log.warn({ stream }, `unexpected output: ${String(chunk).trimEnd()}`);
        callback();
      },
    });
  };
  let stdout: Writable | undefined;
  let stderr: Writable | undefined;
  Object.defineProperty(process, 'stdout', { configurable: true, get: () => (stdout ??= sink('stdout')) });
  Object.defineProperty(process, 'stderr', { configurable: true, get: () => (stderr ??= sink('stderr')) });
  process.removeAllListeners('warning');
  process.on('warning', (warning) => log.warn({ warning: warning.name }, warning.message));
  process.on('uncaughtException', (err) => log.error({ err: err.stack ?? String(err) }, 'uncaught exception (agent keeps serving)'));
  process.on('unhandledRejection', (reason) => log.error({ err: String(reason) }, 'unhandled rejection (agent keeps serving)'));
}
