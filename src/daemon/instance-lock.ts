import { createServer, type Server } from 'node:net';
import { O4Error } from '../errors.js';

/**
 * One daemon per state directory. On Linux the lock is an abstract Unix socket (a name that lives
 * in the kernel, not the filesystem): binding it is atomic, a second bind fails with EADDRINUSE,
 * and the kernel releases it when the process dies, however it dies — no stale lock files.
 */
export async function acquireInstanceLock(lockName: string): Promise<{ release(): void }> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new O4Error('DAEMON', 'another o4-agent daemon is already running for this state directory'));
      else reject(new O4Error('DAEMON', `cannot take the daemon lock: ${err.message}`));
    });
    server.listen(lockName, () => resolve());
  });
  server.unref();
  return { release: () => server.close() };
}
