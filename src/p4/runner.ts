import { spawn } from 'node:child_process';
import { O4Error } from '../errors.js';
import type { Log } from '../log/logger.js';
import { MarshalDecoder, type P4Record } from './marshal.js';

/**
 * Runs the real `p4` command line. Every child gets explicit -p/-u/-c (never whatever P4CONFIG or
 * P4ENVIRO would pick), P4ALTSYNC set to empty (an altsync client must not start another agent,
 * spec §2.1), a P4CONFIG name that matches no file, and a neutral working directory. Its stdout and
 * stderr are captured, never inherited: the agent's own fds 1/2 are the reply pipe.
 */
export interface P4Connection {
  readonly port: string;
  readonly user: string | null;
  readonly client: string;
  /** `-C` for a Unicode-mode server; omitted when null. */
  readonly charset: string | null;
}

export interface P4RunnerOptions {
  readonly p4Path: string;
  /** Kill a p4 that produces no output for this long. */
  readonly idleTimeoutMs: number;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Log;
}

export interface P4Run {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Bytes of an incomplete record at the end of stdout: the output was cut off. */
  readonly truncatedBytes: number;
}

export type P4FailureKind = 'connect' | 'auth' | 'timeout' | 'crashed' | 'missing-binary' | 'other';

/** A p4 invocation that failed as a whole (as opposed to a warning about one file). */
export class P4Failure extends O4Error {
  constructor(
    readonly kind: P4FailureKind,
    message: string,
    context: Record<string, unknown> = {},
  ) {
    super('P4', message, { kind, ...context });
  }

  /** Worth another attempt: the server may be back, the network may recover. */
  get retryable(): boolean {
    return this.kind === 'connect' || this.kind === 'timeout' || this.kind === 'crashed';
  }
}

/** The P4CONFIG file name children look for; no such file exists anywhere. */
const NO_P4CONFIG = '.o4-agent-no-p4config';

export class P4Runner {
  constructor(readonly options: P4RunnerOptions) {}

  /** The full argv for a -G command on a connection. */
  argv(conn: P4Connection, args: readonly string[], xargs: boolean): string[] {
    return [
      '-p',
      conn.port,
      ...(conn.user ? ['-u', conn.user] : []),
      '-c',
      conn.client,
      ...(conn.charset ? ['-C', conn.charset] : []),
      '-G',
      ...(xargs ? ['-x', '-'] : []),
      ...args,
    ];
  }

  /**
   * Runs one `p4 -G` command, handing each decoded record to `onRecord` as it arrives. `xargs`
   * lines go to p4's stdin (`-x -`), which keeps file names out of argv and its length limits.
   */
  run(
    conn: P4Connection,
    args: readonly string[],
    opts: { xargs?: readonly string[]; onRecord: (r: P4Record) => void; signal?: AbortSignal | undefined },
  ): Promise<P4Run> {
    const argv = this.argv(conn, args, opts.xargs !== undefined);
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new O4Error('CANCELLED', 'cancelled before p4 started'));
        return;
      }
      const child = spawn(this.options.p4Path, argv, {
        cwd: this.options.cwd,
        env: { ...this.options.env, P4ALTSYNC: '', P4CONFIG: NO_P4CONFIG },
        stdio: [opts.xargs ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      const decoder = new MarshalDecoder();
      let stderr = '';
      let timedOut = false;
      let failure: unknown;
      let idle: NodeJS.Timeout | undefined;
      const arm = () => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(() => {
          timedOut = true;
          kill();
        }, this.options.idleTimeoutMs);
      };
      const kill = () => {
        child.kill('SIGTERM');
        setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), 2000).unref();
      };
      const onAbort = () => kill();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      arm();

      child.stdout!.on('data', (chunk: Buffer) => {
        arm();
        if (failure) return;
        try {
          for (const record of decoder.push(chunk)) opts.onRecord(record);
        } catch (err) {
          failure = err;
          kill();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
      });
      if (opts.xargs && child.stdin) {
        child.stdin.on('error', () => {}); // p4 may exit before reading all of its input
        child.stdin.end(opts.xargs.map((l) => `${l}\n`).join(''));
      }
      child.on('error', (err) => {
        failure =
          (err as NodeJS.ErrnoException).code === 'ENOENT'
            ? new P4Failure(
                'missing-binary',
                `cannot run p4: ${this.options.p4Path} not found (install the Perforce command line, or set p4.path / O4_AGENT_P4)`,
              )
            : err;
      });
      child.on('close', (exitCode, signal) => {
        if (idle) clearTimeout(idle);
        opts.signal?.removeEventListener('abort', onAbort);
        this.options.log.debug({ argv, exitCode, signal, stderr: stderr.slice(0, 500) }, 'p4 finished');
        if (opts.signal?.aborted) reject(new O4Error('CANCELLED', 'cancelled'));
        else if (failure) reject(failure);
        else resolve({ exitCode, signal, stderr, timedOut, truncatedBytes: decoder.buffered });
      });
    });
  }
}

/**
 * Classifies a whole-command failure from how p4 ended: connection problems are reported by the
 * client itself on stderr ("Perforce client error: Connect to server failed"), bad credentials by
 * the server as an error record.
 */
export function classifyRunFailure(run: P4Run, errorRecords: readonly P4Record[], idleTimeoutMs: number): P4Failure | undefined {
  const auth = errorRecords.find((r) => isAuthError(recordText(r)));
  if (auth) return new P4Failure('auth', `p4: ${recordText(auth).trim()} Run 'p4 login' for this user and port.`);
  if (run.timedOut) return new P4Failure('timeout', `p4 produced no output for ${Math.round(idleTimeoutMs / 1000)} s and was stopped`);
  const stderr = run.stderr.trim();
  if (
    /Connect to server failed|TCP connect to|Connection refused|connection timed out|No route to host|Name or service not known|SSL connect/i.test(
      stderr,
    )
  ) {
    return new P4Failure('connect', `p4 cannot reach the server: ${oneLine(stderr)}`);
  }
  if (isAuthError(stderr)) return new P4Failure('auth', `p4: ${oneLine(stderr)} Run 'p4 login' for this user and port.`);
  if (run.signal) return new P4Failure('crashed', `p4 was killed by ${run.signal}${stderr ? `: ${oneLine(stderr)}` : ''}`);
  if (run.truncatedBytes > 0)
    return new P4Failure('crashed', `p4 output ends in the middle of a record (exit ${run.exitCode})${stderr ? `: ${oneLine(stderr)}` : ''}`);
  if (run.exitCode !== 0 && stderr) return new P4Failure('other', `p4 failed (exit ${run.exitCode}): ${oneLine(stderr)}`);
  return undefined;
}

function isAuthError(text: string): boolean {
  return /password \(P4PASSWD\) invalid or unset|session has expired|please login again|Your ticket .* expired/i.test(text);
}

export function recordText(r: P4Record): string {
  return r.data ? r.data.toString('utf8') : String(r.fields['data'] ?? '');
}

function oneLine(text: string): string {
  return text
    .replace(/^Perforce client error:\s*/i, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}
