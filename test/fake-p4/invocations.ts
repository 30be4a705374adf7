import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * <depot>/invocations.log: one JSON line per fake p4 run, so tests can assert exactly how p4 was
 * invoked, then one line per agent exchange of that run (written as it happens, so a run that is
 * killed still shows what it got). Each line is one O_APPEND write, so concurrent runs never
 * interleave; readInvocations folds the exchanges into their run's record.
 */
const LOGGED_ENV = ['P4ALTSYNC', 'P4CONFIG', 'P4PORT', 'P4USER', 'P4CLIENT', 'P4CHARSET'] as const;

/** One request that reached the P4ALTSYNC agent, and its raw reply line (empty at EOF). */
export interface AltsyncExchange {
  readonly command: string;
  readonly path: string | undefined;
  readonly reply: string;
}

export type Invocation = {
  readonly id: string;
  readonly time: string;
  readonly argv: string[];
  readonly cwd: string;
  /** Only the variables that are set, including set-to-empty. */
  readonly env: Record<string, string>;
  /** The lines read through -x. */
  readonly xargs: string[];
  readonly altsync: AltsyncExchange[];
};

/** Logs the run and returns its id, for logExchange. */
export function logInvocation(depotDir: string, argv: string[], xargs: string[]): string {
  const env: Record<string, string> = {};
  for (const name of LOGGED_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  const entry: Omit<Invocation, 'altsync'> = { id: randomUUID(), time: new Date().toISOString(), argv, cwd: process.cwd(), env, xargs };
  appendFileSync(join(depotDir, 'invocations.log'), `${JSON.stringify(entry)}\n`);
  return entry.id;
}

export function logExchange(depotDir: string, invocation: string, exchange: AltsyncExchange): void {
  appendFileSync(join(depotDir, 'invocations.log'), `${JSON.stringify({ exchangeOf: invocation, ...exchange })}\n`);
}

export function readInvocations(depotDir: string): Invocation[] {
  let text: string;
  try {
    text = readFileSync(join(depotDir, 'invocations.log'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const runs = new Map<string, Invocation>();
  for (const [i, line] of text.split('\n').filter(Boolean).entries()) {
    const { exchangeOf, ...rest } = JSON.parse(line) as { exchangeOf?: string } & Record<string, unknown>;
    // Runs logged before runs had ids are keyed by their line.
    if (exchangeOf === undefined)
      runs.set((rest['id'] as string | undefined) ?? `line ${i}`, { ...(rest as Omit<Invocation, 'altsync'>), altsync: [] });
    else runs.get(exchangeOf)?.altsync.push(rest as unknown as AltsyncExchange);
  }
  return [...runs.values()];
}
