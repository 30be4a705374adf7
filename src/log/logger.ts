import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger as PinoLogger } from 'pino';
import { nodeRequire } from '../module-paths.js';
import { rotateIfLarge } from './rotation.js';

/**
 * Structured logging through pino, to a file — never to stdout/stderr, which for the altsync
 * agent are the reply pipe. pino is loaded on the first record that passes the level filter, so
 * a `p4` command whose agent logs nothing does not pay pino's start-up cost.
 */
export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

const LEVEL_VALUES: Record<Level, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

export interface Log {
  isEnabled(level: Level): boolean;
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

export function parseLevel(value: string | undefined, fallback: Level): Level {
  return value !== undefined && value in LEVEL_VALUES ? (value as Level) : fallback;
}

export class FileLog implements Log {
  private pino: PinoLogger | undefined;
  private destination: { reopen(): void } | undefined;
  private threshold: number;

  constructor(
    private readonly file: string,
    private readonly level: Level,
    private readonly bindings: Record<string, unknown>,
    /** Also receives every record (a pretty-printer for a terminal). */
    private readonly tee?: (line: string) => void,
    /** Rotate a file grown past maxBytes before the first record (the daemon also rotates while it runs). */
    private readonly rotation?: { readonly maxBytes: number; readonly keep: number },
  ) {
    this.threshold = LEVEL_VALUES[level];
  }

  /** Starts a new file after the current one was rotated away. */
  reopen(): void {
    this.destination?.reopen();
  }

  isEnabled(level: Level): boolean {
    return LEVEL_VALUES[level] >= this.threshold;
  }

  debug(fields: object, msg: string): void {
    if (this.isEnabled('debug')) this.logger()?.debug(fields, msg);
  }
  info(fields: object, msg: string): void {
    if (this.isEnabled('info')) this.logger()?.info(fields, msg);
  }
  warn(fields: object, msg: string): void {
    if (this.isEnabled('warn')) this.logger()?.warn(fields, msg);
  }
  error(fields: object, msg: string): void {
    if (this.isEnabled('error')) this.logger()?.error(fields, msg);
  }

  /** Returns undefined when the log file cannot be opened: losing a log line must never fail a request. */
  private logger(): PinoLogger | undefined {
    if (this.pino) return this.pino;
    try {
      // Records hold paths and request lines: private to the user, like the rest of the state.
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      if (this.rotation) rotateIfLarge(this.file, this.rotation.maxBytes, this.rotation.keep);
      const pino = nodeRequire('pino') as typeof import('pino');
      const dest = pino.destination({ dest: this.file, sync: true, append: true, mode: 0o600 });
      this.destination = dest;
      const tee = this.tee;
      const stream = tee
        ? pino.multistream([
            { stream: dest, level: this.level },
            { stream: { write: (line: string) => tee(line) }, level: this.level },
          ])
        : dest;
      this.pino = pino.default({ level: this.level, base: { pid: process.pid, ...this.bindings } }, stream);
    } catch {
      this.threshold = Infinity;
    }
    return this.pino;
  }
}

/** A log that drops everything; for library use in tests that do not look at logs. */
export const nullLog: Log = {
  isEnabled: () => false,
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
