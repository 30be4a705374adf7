import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/test/support). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
export const AGENT_BIN = join(REPO_ROOT, 'bin', 'o4-agent');

export interface Sandbox {
  /** Scratch directory that holds everything below; removed by cleanup(). */
  readonly dir: string;
  /** O4_AGENT_HOME: ledger, logs, config. */
  readonly home: string;
  /** A workspace root. */
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A private O4_AGENT_HOME and workspace root under the system temp directory. */
export function createSandbox(prefix = 'o4-test-'): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const home = join(dir, 'home');
  const root = join(dir, 'ws');
  const env: NodeJS.ProcessEnv = { ...process.env, O4_AGENT_HOME: home, O4_AGENT_LOG_LEVEL: 'debug' };
  delete env['P4ALTSYNC'];
  delete env['O4_AGENT_CONFIG'];
  return {
    dir,
    home,
    root,
    env,
    cleanup() {
      restoreWritable(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Placeholders and read-only test directories must be made removable again (matters when not root). */
function restoreWritable(dir: string): void {
  try {
    chmodSync(dir, 0o700);
  } catch {
    // already gone
  }
}
