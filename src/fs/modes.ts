import { readFileSync } from 'node:fs';

/**
 * File modes as the P4 client sets them (spec §8.5): (exec ? 0777 : 0666) & ~umask, minus the
 * write bits when read-only. The agent inherits p4's umask, so it computes the same modes.
 */
let cachedUmask: number | undefined;

/** The process umask, read without the set-and-restore race of `process.umask()`. */
export function currentUmask(): number {
  if (cachedUmask !== undefined) return cachedUmask;
  try {
    const match = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1]) return (cachedUmask = parseInt(match[1], 8));
  } catch {
    // Not Linux: fall through.
  }
  const mask = process.umask(0o022);
  process.umask(mask);
  return (cachedUmask = mask);
}

export function clientFileMode(bits: { writable: boolean; executable: boolean }, umask = currentUmask()): number {
  const mode = (bits.executable ? 0o777 : 0o666) & ~umask;
  return bits.writable ? mode : mode & ~0o222;
}

export type PlaceholderMode = 'unreadable' | 'real';

/** An unreadable placeholder has no permission bits at all, so reading it fails instead of yielding zeros. */
export function placeholderFileMode(mode: PlaceholderMode, bits: { writable: boolean; executable: boolean }): number {
  return mode === 'unreadable' ? 0 : clientFileMode(bits);
}
