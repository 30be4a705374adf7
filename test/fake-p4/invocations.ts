import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * <depot>/invocations.log: one JSON line per fake p4 run, so tests can assert exactly how p4 was
 * invoked. Each line is one O_APPEND write, so concurrent runs never interleave.
 */
const LOGGED_ENV = ['P4ALTSYNC', 'P4CONFIG', 'P4PORT', 'P4USER', 'P4CLIENT', 'P4CHARSET'] as const;

export type Invocation = {
  readonly time: string;
  readonly argv: string[];
  readonly cwd: string;
  /** Only the variables that are set, including set-to-empty. */
  readonly env: Record<string, string>;
  /** The lines read through -x. */
  readonly xargs: string[];
};

export function logInvocation(depotDir: string, argv: string[], xargs: string[]): void {
  const env: Record<string, string> = {};
  for (const name of LOGGED_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  const entry: Invocation = { time: new Date().toISOString(), argv, cwd: process.cwd(), env, xargs };
  appendFileSync(join(depotDir, 'invocations.log'), `${JSON.stringify(entry)}\n`);
}

export function readInvocations(depotDir: string): Invocation[] {
  let text: string;
  try {
    text = readFileSync(join(depotDir, 'invocations.log'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Invocation);
}
