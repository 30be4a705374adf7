import { lstatSync, type BigIntStats } from 'node:fs';
import { errnoCode, ioError } from '../errors.js';

/**
 * What the agent remembers of a file it wrote or verified: inode, size and modification time in
 * nanoseconds. Any write changes mtime or size; a replacement changes the inode. The device number
 * is left out on purpose: it can change across reboots (device-mapper, NFS) while the file does not.
 */
export function statSignature(st: BigIntStats): string {
  return `${st.ino}:${st.size}:${st.mtimeNs}`;
}

/** lstat as bigint, or undefined when nothing is at `path`. */
export function lstatOrUndefined(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true, throwIfNoEntry: false });
  } catch (err) {
    if (errnoCode(err) === 'ENOTDIR') return undefined;
    throw ioError('stat', path, err);
  }
}

export function isWritable(st: BigIntStats): boolean {
  return (Number(st.mode) & 0o222) !== 0;
}
