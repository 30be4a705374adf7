import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { O4Error, describeError, errnoCode } from '../errors.js';
import type { Log } from '../log/logger.js';
import { MAX_LINE, requestSchema, type DaemonRequest } from './protocol.js';

export type RequestHandler = (req: DaemonRequest) => Promise<unknown>;

/**
 * The daemon's Unix socket: private to the user (directory 0700, socket 0600, both checked to be
 * ours), one JSON request per line, each answered with one line, requests of one connection handled
 * in order.
 */
export class SocketServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly path: string,
    private readonly handle: RequestHandler,
    private readonly log: Log,
  ) {}

  async listen(): Promise<void> {
    prepareDirectory(dirname(this.path));
    await removeStaleSocket(this.path);
    const server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
    chmodSync(this.path, 0o600);
    this.server = server;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Bytes are split into lines before decoding, so a character split across two reads survives.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let chain = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      let start = 0;
      let nl: number;
      while ((nl = chunk.indexOf(0x0a, start)) >= 0) {
        pending.push(chunk.subarray(start, nl));
        const line = Buffer.concat(pending).toString('utf8');
        pending = [];
        pendingBytes = 0;
        start = nl + 1;
        chain = chain.then(() => this.answer(socket, line));
      }
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_LINE) {
        socket.removeAllListeners('data');
        // After the answers still owed for earlier lines.
        const refusal = `${JSON.stringify({ id: 0, ok: false, error: { code: 'BAD_REQUEST', message: `request line longer than ${MAX_LINE} bytes` } })}\n`;
        chain = chain.then(() => void socket.end(refusal));
      }
    });
  }

  private async answer(socket: Socket, line: string): Promise<void> {
    let id = 0;
    let response: unknown;
    try {
      const raw = JSON.parse(line) as unknown;
      if (typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number') id = (raw as { id: number }).id;
      const parsed = requestSchema.safeParse(raw);
      if (!parsed.success)
        throw new O4Error(
          'BAD_REQUEST',
          `invalid daemon request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}`,
        );
      response = { id, ok: true, result: await this.handle(parsed.data) };
    } catch (err) {
      const code = err instanceof O4Error ? err.code : err instanceof SyntaxError ? 'BAD_REQUEST' : 'INTERNAL';
      if (code === 'INTERNAL') this.log.error({ err: describeError(err) }, 'daemon request failed');
      response = { id, ok: false, error: { code, message: describeError(err) } };
    }
    if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
  }
}

/** The socket's directory must be ours and closed to others: a socket there is then only reachable by us. */
function prepareDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory()) throw new O4Error('DAEMON', `${dir} is not a directory`);
  if (uid !== undefined && st.uid !== uid)
    throw new O4Error('DAEMON', `${dir} belongs to uid ${st.uid}, not to this user; refusing to put the daemon socket there`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

async function removeStaleSocket(path: string): Promise<void> {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw err;
  }
  if (!st.isSocket()) throw new O4Error('DAEMON', `${path} exists and is not a socket; remove it`);
  const alive = await new Promise<boolean>((resolve) => {
    const c = createConnection(path, () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
  if (alive) throw new O4Error('DAEMON', `another daemon answers on ${path}`);
  unlinkSync(path);
}
