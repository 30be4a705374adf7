import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync, constants } from 'node:fs';
import { ioError } from '../errors.js';

/**
 * Byte-level helpers with hashing on the way: content is read once, hashed and written in the same
 * pass, in chunks, so a 50 MB file never sits in memory whole.
 */
const CHUNK = 1 << 20;

export function md5Hex(data: Buffer): string {
  return createHash('md5').update(data).digest('hex').toUpperCase();
}

/** Copies `src` to the open descriptor `destFd`, returning the MD5 and size of what was copied. */
export function copyHashing(src: string, destFd: number): { md5: string; size: number } {
  const hash = createHash('md5');
  const buf = Buffer.allocUnsafe(CHUNK);
  let fd: number;
  try {
    fd = openSync(src, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw ioError('read', src, err);
  }
  let size = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      hash.update(chunk);
      writeAll(destFd, chunk);
      size += n;
    }
  } catch (err) {
    throw ioError('copy', src, err);
  } finally {
    closeSync(fd);
  }
  return { md5: hash.digest('hex').toUpperCase(), size };
}

/** Hashes a file without copying it. */
export function hashFile(path: string): { md5: string; size: number } {
  const hash = createHash('md5');
  const buf = Buffer.allocUnsafe(CHUNK);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw ioError('read', path, err);
  }
  let size = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      size += n;
    }
  } finally {
    closeSync(fd);
  }
  return { md5: hash.digest('hex').toUpperCase(), size };
}

export function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}
