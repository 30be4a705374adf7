import { renameSync, statSync, unlinkSync } from 'node:fs';

/**
 * Size-based rotation of the shared log file: o4-agent.log → .1 → .2 …, keeping `keep` old files.
 * Renaming is safe for the other processes appending to it (agents, CLI): they finish their short
 * lives writing to the renamed file and the next ones open the new one.
 */
export function rotateIfLarge(file: string, maxBytes: number, keep: number): boolean {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return false;
  }
  if (size < maxBytes) return false;
  try {
    unlinkSync(`${file}.${keep}`);
  } catch {
    // nothing that old
  }
  for (let i = keep - 1; i >= 1; i--) {
    try {
      renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    } catch {
      // a gap in the sequence
    }
  }
  try {
    if (keep > 0) renameSync(file, `${file}.1`);
    else unlinkSync(file);
  } catch {
    return false; // another process rotated it a moment ago
  }
  return true;
}
