import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

/**
 * FAKE_P4_FAIL: comma-separated failures to inject. `refuse`, `refuse-first:N`, `die-after:BYTES`,
 * `hang`, `corrupt:DEPOTFILE` (may repeat), `auth`. An entry the fake does not know is an error, so a
 * typo in a test cannot silently test nothing.
 */
export interface Failures {
  readonly refuse: boolean;
  readonly refuseFirst: number;
  readonly dieAfter: number | undefined;
  readonly hang: boolean;
  readonly corrupt: ReadonlySet<string>;
  readonly auth: boolean;
}

export function parseFailures(spec: string | undefined): Failures {
  let refuse = false;
  let refuseFirst = 0;
  let dieAfter: number | undefined;
  let hang = false;
  let auth = false;
  const corrupt = new Set<string>();
  for (const entry of (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    const name = colon < 0 ? entry : entry.slice(0, colon);
    const arg = colon < 0 ? undefined : entry.slice(colon + 1);
    if (name === 'refuse' && arg === undefined) refuse = true;
    else if (name === 'hang' && arg === undefined) hang = true;
    else if (name === 'auth' && arg === undefined) auth = true;
    else if (name === 'refuse-first' && arg !== undefined && /^\d+$/.test(arg)) refuseFirst = Number(arg);
    else if (name === 'die-after' && arg !== undefined && /^\d+$/.test(arg)) dieAfter = Number(arg);
    else if (name === 'corrupt' && arg) corrupt.add(arg);
    else throw new Error(`unknown FAKE_P4_FAIL entry '${entry}'`);
  }
  return { refuse, refuseFirst, dieAfter, hang, corrupt, auth };
}

/**
 * Counts this run among the first `n` across processes: runs claim numbered ticket files with
 * O_EXCL, which the file system hands out exactly once each, so no lock is needed. True while
 * tickets remain, i.e. this run is to be refused.
 */
export function claimRefusal(depotDir: string, n: number): boolean {
  const dir = join(depotDir, 'refuse-first');
  mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= n; i++) {
    try {
      closeSync(openSync(join(dir, String(i)), 'wx'));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return false;
}

/** The `corrupt` failure: one byte changed in the middle of what the client receives. */
export function corrupted(data: Buffer): Buffer {
  if (data.length === 0) return data;
  const copy = Buffer.from(data);
  copy[copy.length >> 1]! ^= 0x01;
  return copy;
}
