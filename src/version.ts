import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The package version, read once from package.json (two levels above dist/src). */
export function agentVersion(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
      cached = pkg.version ?? 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
