import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './module-paths.js';

let cached: string | undefined;

/** The package version, read once from package.json. */
export function agentVersion(): string {
  if (cached === undefined) {
    try {
      cached = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
