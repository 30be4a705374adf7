import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Locations relative to the running code. The altsync agent also runs from a single bundled file
 * (dist/altsync.cjs, see scripts/build.mjs), where the build defines `import.meta.url` as that
 * file's URL; both forms find the same package root by walking up to o4-agent's package.json.
 */
const here = fileURLToPath(import.meta.url);

/** `require` for CommonJS and native packages loaded lazily (pino, @napi-rs/xattr). */
export const nodeRequire = createRequire(here);

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  for (let dir = dirname(here); ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'o4-agent') return (root = dir);
    if (dirname(dir) === dir) return (root = dirname(here));
  }
}
