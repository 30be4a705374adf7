import { lstatSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { O4Error, O4_ERROR_CODES, errnoCode, type O4ErrorCode } from '../errors.js';
import type { AgentPaths } from '../config/paths.js';
import { responseSchema, type DaemonMethod } from './protocol.js';
import { daemonPaths, daemonSocket } from './runtime-paths.js';

/**
 * Talks to a running daemon. Every failure to reach it is a DAEMON error that says so plainly;
 * callers that can do without the daemon catch it and carry on from the ledger.
 */
export class DaemonClient {
  private nextId = 1;
  private buffered = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.failAll(new O4Error('DAEMON', 'the daemon closed the connection')));
    socket.on('error', (err) => this.failAll(new O4Error('DAEMON', `daemon connection failed: ${err.message}`)));
  }

  /** Connects to the daemon serving this state directory, wherever it announced its socket. */
  static open(paths: AgentPaths, env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<DaemonClient> {
    return DaemonClient.connect(daemonSocket(daemonPaths(paths, env)), timeoutMs);
  }

  static async connect(path: string, timeoutMs = 2000): Promise<DaemonClient> {
    checkSocketOwner(path);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection(path);
      const timer = setTimeout(() => {
        s.destroy();
        reject(new O4Error('DAEMON', `the daemon did not answer on ${path} within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const notRunning = err.code === 'ENOENT' || err.code === 'ECONNREFUSED';
        reject(notRunning ? daemonNotRunning() : new O4Error('DAEMON', `cannot reach the daemon at ${path}: ${err.message}`));
      });
    });
    return new DaemonClient(socket);
  }

  /** Sends one request; the daemon validates its params (protocol.ts) and answers or reports why not. */
  request(method: DaemonMethod, params?: Readonly<Record<string, unknown>>, timeoutMs = 10_000): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new O4Error('DAEMON', `the daemon did not answer "${method}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.write(`${JSON.stringify({ id, method, ...(params !== undefined && { params }) })}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered += this.decoder.write(chunk);
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      const parsed = responseSchema.safeParse(parseJson(line));
      if (!parsed.success) continue; // not an answer of this protocol: nobody is waiting for it
      const r = parsed.data;
      const w = this.waiting.get(r.id);
      if (!w) continue;
      this.waiting.delete(r.id);
      if (r.ok) w.resolve(r.result);
      else w.reject(new O4Error(clientCode(r.error.code), r.error.message, { fromDaemon: true }));
    }
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

/** Nothing listens: unlike a daemon that hangs or a socket that is not ours, callers may do without. */
function daemonNotRunning(): O4Error {
  return new O4Error('DAEMON', 'the o4-agent daemon is not running', { notRunning: true });
}

export function isDaemonNotRunning(err: unknown): boolean {
  return err instanceof O4Error && err.code === 'DAEMON' && err.context['notRunning'] === true;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** A socket another user could have put there is refused before we talk to it. */
function checkSocketOwner(path: string): void {
  try {
    const st = lstatSync(path);
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid) throw new O4Error('DAEMON', `${path} belongs to uid ${st.uid}, not to this user; refusing to use it`);
  } catch (err) {
    if (err instanceof O4Error) throw err;
    if (errnoCode(err) === 'ENOENT') throw daemonNotRunning();
    throw new O4Error('DAEMON', `cannot reach the daemon at ${path}: ${(err as Error).message}`);
  }
}

/** The daemon's error code as the CLI's: a bad pattern is a usage error whoever finds it. */
function clientCode(code: string): O4ErrorCode {
  if (code === 'BAD_REQUEST') return 'USAGE';
  return (O4_ERROR_CODES as readonly string[]).includes(code) ? (code as O4ErrorCode) : 'DAEMON';
}
