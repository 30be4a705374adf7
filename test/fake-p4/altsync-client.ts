/**
 * The P4 client's side of P4ALTSYNC, reproduced from the client source as described in
 * ../shared/spec/P4ALTSYNC.md (§2–§4): how the P4ALTSYNC value becomes a command line, how the agent
 * is spawned (stderr on the reply pipe, SIGPIPE ignored), how RPC variables become one JSON line
 * (re-typed values, sorted compact keys), how one reply line is read and judged, and `quit`.
 * Used by the conformance suite and by the fake p4's sync/diff/edit commands. This is a test
 * stand-in for the real client, not part of o4-agent.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { homedir } from 'node:os';
import type { Readable, Writable } from 'node:stream';

/** `$home` in the value becomes the home directory (enviro.cc); nothing else is expanded there. */
export function expandHome(value: string, home = homedir()): string {
  return value.split('$home').join(home);
}

/** StrOps::Expand: `%name%` from the dictionary, unknown names verbatim, `%%` → `%`, a lone `%` dropped. */
export function expandVariables(value: string, dict: Readonly<Record<string, string>>): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    const close = value.indexOf('%', i + 1);
    if (close < 0) {
      i++; // a lone % is dropped
      continue;
    }
    const name = value.slice(i + 1, close);
    if (name === '') out += '%';
    else out += Object.prototype.hasOwnProperty.call(dict, name) ? dict[name] : `%${name}%`;
    i = close + 1;
  }
  return out;
}

/** StrOps::Words: split on ASCII whitespace; `"` toggles quoting and is removed; `""` is a literal quote. */
export function splitWords(value: string, max = 1023): string[] {
  const words: string[] = [];
  let i = 0;
  const isSpace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\v' || ch === '\f';
  while (i < value.length && words.length < max) {
    while (i < value.length && isSpace(value[i]!)) i++;
    if (i >= value.length) break;
    let word = '';
    let quoted = false;
    while (i < value.length && (quoted || !isSpace(value[i]!))) {
      if (value[i] === '"') {
        if (value[i + 1] === '"') {
          word += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
      } else {
        word += value[i];
        i++;
      }
    }
    words.push(word);
  }
  return words;
}

/** A JSON value as the client emits it: integers keep their exact (possibly wrapped) decimal token. */
export type WireValue = { kind: 'int'; token: string } | { kind: 'bool'; value: boolean } | { kind: 'string'; value: string };

const TWO_64 = 1n << 64n;
const TWO_63 = 1n << 63n;

/** FillDict's re-typing of an RPC value (spec §3.3). */
export function typeValue(v: string): WireValue {
  const m = /^[ \t\n\r\v\f]*([+-]?)(\d+)$/.exec(v);
  if (m && !(v.length > 1 && v[0] === '0')) {
    let n = 0n;
    for (const d of m[2]!) n = (n * 10n + BigInt(d.charCodeAt(0) - 48)) % TWO_64; // wraps like the C++ loop
    if (m[1] === '-') n = (TWO_64 - n) % TWO_64;
    const signed = n >= TWO_63 ? n - TWO_64 : n;
    return { kind: 'int', token: signed.toString() };
  }
  if (v === 'true' || v === 'false') return { kind: 'bool', value: v === 'true' };
  return { kind: 'string', value: v };
}

/**
 * One request line: keys sorted by byte value, compact separators, integers as raw tokens, strings
 * escaped like nlohmann::json (which JSON.stringify matches for well-formed strings).
 */
export function encodeRequest(vars: Readonly<Record<string, string>>): string {
  const keys = Object.keys(vars).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const parts = keys.map((k) => {
    const w = typeValue(vars[k]!);
    const value = w.kind === 'int' ? w.token : w.kind === 'bool' ? String(w.value) : JSON.stringify(w.value);
    return `${JSON.stringify(k)}:${value}`;
  });
  return `{${parts.join(',')}}`;
}

/** The variables FillDict always drops, and the identity it always adds last (spec §3.1). */
const DROPPED = new Set(['func', 'func2', 'state', 'handle', 'decline', 'confirm', 'message', 'message2']);

export function requestVariables(
  rpc: Readonly<Record<string, string>>,
  identity: { port: string; client: string; user: string },
): Record<string, string> {
  const listed = rpc['altSyncVars']?.split(',').filter(Boolean);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rpc)) {
    if (listed && !listed.includes(k)) continue;
    if (DROPPED.has(k) || k.endsWith('Rec') || k.endsWith('Rec2')) continue;
    out[k] = v;
  }
  out['port'] = identity.port;
  out['client'] = identity.client;
  out['user'] = identity.user;
  return out;
}

export type Verdict =
  { ok: true; pass: boolean; fields: Record<string, unknown> } | { ok: false; message: string | undefined; fields: Record<string, unknown> };

/** How the client judges a reply line (spec §4.1), including the messages it would print. */
export function judgeReply(raw: Buffer, command: string): Verdict {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw);
  } catch {
    return { ok: false, message: `AltSync Error: Invalid JSON response: ${raw.toString('latin1')}`, fields: {} };
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, message: `AltSync Error: Invalid JSON response: ${text}`, fields: {} };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return { ok: false, message: `AltSync Error: JSON response missing 'result' key: ${text}`, fields: {} };
  }
  const fields = v as Record<string, unknown>;
  const result = fields['result'];
  const error = fields['error'];
  if (error !== undefined && typeof error !== 'string') {
    // The real client throws an uncaught C++ exception here: a crash.
    return { ok: false, message: `CLIENT CRASH: 'error' is ${typeof error}, must be string`, fields };
  }
  const failed = (msg?: string): Verdict => ({
    ok: false,
    message: msg ?? (typeof error === 'string' ? `AltSync Error: ${error}` : undefined),
    fields,
  });
  if (typeof result === 'string') {
    if (result === 'success') return { ok: true, pass: false, fields };
    if (result === 'pass') return { ok: true, pass: true, fields };
    if (result === 'error') return failed();
    return failed(`AltSync Error: JSON response contains invalid 'result' value: ${text}`);
  }
  const integerToken = /"result"\s*:\s*-?\d+\s*[,}]/.test(text);
  if (typeof result === 'boolean' || (typeof result === 'number' && integerToken)) {
    const success = typeof result === 'boolean' ? result : (result | 0) === 0;
    if (!success) return failed();
    return { ok: true, pass: fields[command] === 'pass', fields };
  }
  return failed(`AltSync Error: JSON response missing 'result' key: ${text}`);
}

export interface SpawnOptions {
  /** The P4ALTSYNC value, exactly as a user would set it. */
  readonly p4altsync: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Variables for %var% expansion besides port/client/user/P4PORT/P4CLIENT. */
  readonly rpc?: Readonly<Record<string, string>>;
  readonly identity: { port: string; client: string; user: string };
  readonly uid?: number;
  readonly gid?: number;
}

export interface Exchange {
  readonly request: string;
  readonly raw: Buffer;
  readonly verdict: Verdict;
  /** Bytes the agent had sent beyond the first line, which the client would discard. */
  readonly discarded: number;
}

/**
 * One agent process, spawned and spoken to the way the P4 client does it: the expanded, split
 * command line is exec'd with stdin and stdout on pipes and stderr dup'ed onto stdout, SIGPIPE
 * ignored; one request line, then block for one reply line; `quit` is written without closing
 * stdin and the client waits for the process to exit.
 */
export class AltsyncAgentProcess {
  readonly argv: string[];
  private readonly identity: { port: string; client: string; user: string };
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private buffered: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private ended = false;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitPromise: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the launcher shell itself printed (only before its exec; nothing once the agent runs). */
  shellStderr = '';

  constructor(opts: SpawnOptions) {
    this.identity = opts.identity;
    const dict = {
      ...(opts.rpc ?? {}),
      port: opts.identity.port,
      client: opts.identity.client,
      user: opts.identity.user,
      P4PORT: opts.identity.port,
      P4CLIENT: opts.identity.client,
    };
    this.argv = splitWords(expandVariables(expandHome(opts.p4altsync, opts.env['HOME'] ?? homedir()), dict));
    if (this.argv.length === 0) throw new Error('P4ALTSYNC expands to an empty command line');
    // The shell only arranges the descriptors as RunCommand does (2>&1, SIGPIPE ignored) and execs.
    this.child = spawn('/bin/sh', ['-c', 'trap "" PIPE; exec "$@" 2>&1', 'sh', ...this.argv], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env,
      cwd: opts.cwd,
      uid: opts.uid,
      gid: opts.gid,
    });
    this.child.stdin.on('error', () => {}); // EPIPE after the agent died is reported through the reply
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiter?.();
    });
    this.child.stdout.on('end', () => {
      this.ended = true;
      this.waiter?.();
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.shellStderr += chunk.toString()));
    this.exitPromise = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      }),
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** Sends RPC variables as the client would and returns the judged reply. */
  async request(command: string, rpc: Readonly<Record<string, string>>, timeoutMs = 10_000): Promise<Exchange> {
    const line = encodeRequest({ ...requestVariables(rpc, this.identity), altSync: command });
    return this.sendLine(line, command, timeoutMs);
  }

  /** Sends one raw line (for malformed-input tests) and reads one reply line. */
  async sendLine(line: string | Buffer, command: string, timeoutMs = 10_000): Promise<Exchange> {
    const data = Buffer.concat([Buffer.isBuffer(line) ? line : Buffer.from(line), Buffer.from('\n')]);
    this.child.stdin.write(data);
    const raw = await this.readLine(timeoutMs);
    const discarded = this.buffered.length;
    this.buffered = Buffer.alloc(0); // the client drops what it had buffered past the first line
    return { request: data.toString().trimEnd(), raw, verdict: judgeReply(raw, command), discarded };
  }

  private async readLine(timeoutMs: number): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const nl = this.buffered.indexOf(0x0a);
      if (nl >= 0) {
        let line = this.buffered.subarray(0, nl);
        this.buffered = this.buffered.subarray(nl + 1);
        if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
        return Buffer.from(line);
      }
      // At EOF the client's reader hands back an empty line (spec §2.7).
      if (this.ended) return Buffer.alloc(0);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`agent did not reply within ${timeoutMs} ms (the real client would hang forever)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /**
   * The client's shutdown: write the hard-coded quit line, read nothing, keep stdin open and wait
   * for the process to exit. Returns how long the exit took; throws if it did not exit in time.
   */
  async quit(timeoutMs = 5_000): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null; trailing: number }> {
    const started = performance.now();
    if (!this.exited) this.child.stdin.write('{"altSync":"quit"}\n');
    const info = await this.exitWithin(timeoutMs);
    if (!info) {
      this.kill();
      throw new Error(`agent did not exit within ${timeoutMs} ms of quit with stdin still open (p4 would hang in waitpid)`);
    }
    this.child.stdin.end();
    return { ms: performance.now() - started, ...info, trailing: this.buffered.length };
  }

  /** Closes stdin (p4 died) and waits for the exit. */
  async closeInput(timeoutMs = 5_000): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    this.child.stdin.end();
    return this.exitWithin(timeoutMs);
  }

  /** The exit, or undefined after timeoutMs; the timer is cleared so it cannot keep a short-lived p4 alive. */
  async exitWithin(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([this.exitPromise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  waitForExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exitPromise;
  }
}
