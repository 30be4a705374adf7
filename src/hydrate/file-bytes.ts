import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync, constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { ioError } from '../errors.js';

/**
 * Byte-level helpers that hash on the way: content is read once, hashed and written in the same
 * pass, in chunks, so a 50 MB file never sits in memory whole.
 */
export type HashAlgorithm = 'md5' | 'sha256';
export type Hashes = Partial<Record<HashAlgorithm, string>>;

const CHUNK = 1 << 20;
/** One buffer for every synchronous copy: they never overlap, and a fresh 1 MiB per file costs GC time. */
const shared = Buffer.allocUnsafe(CHUNK);

export function md5Hex(data: Buffer): string {
  return hashHex('md5', data);
}

export function hashHex(alg: HashAlgorithm, data: Buffer): string {
  return createHash(alg).update(data).digest('hex').toUpperCase();
}

/** Copies `src` to the open descriptor `destFd` (or only reads it, with destFd null), hashing on the way. */
export function copyHashing(src: string, destFd: number | null, algs: readonly HashAlgorithm[]): { hashes: Hashes; size: number } {
  const hashes = algs.map((a) => [a, createHash(a)] as const);
  let fd: number;
  try {
    fd = openSync(src, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw ioError('read', src, err);
  }
  let size = 0;
  try {
    for (;;) {
      const n = readSync(fd, shared, 0, CHUNK, null);
      if (n === 0) break;
      const chunk = shared.subarray(0, n);
      for (const [, h] of hashes) h.update(chunk);
      if (destFd !== null) writeAll(destFd, chunk);
      size += n;
    }
  } catch (err) {
    throw ioError(destFd === null ? 'read' : 'copy', src, err);
  } finally {
    closeSync(fd);
  }
  return { hashes: digests(hashes), size };
}

/** Hashes a file with reads in the thread pool, so the main thread only hashes. */
export async function hashFileAsync(path: string, algs: readonly HashAlgorithm[]): Promise<{ hashes: Hashes; size: number }> {
  const hashes = algs.map((a) => [a, createHash(a)] as const);
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  const buf = Buffer.allocUnsafe(4 * CHUNK);
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      for (const [, h] of hashes) h.update(chunk);
      size += bytesRead;
    }
  } finally {
    await file.close();
  }
  return { hashes: digests(hashes), size };
}

export function hashFile(path: string, algs: readonly HashAlgorithm[] = ['md5']): { hashes: Hashes; size: number } {
  return copyHashing(path, null, algs);
}

export function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

function digests(hashes: ReadonlyArray<readonly [HashAlgorithm, Hash]>): Hashes {
  const out: Hashes = {};
  for (const [a, h] of hashes) out[a] = h.digest('hex').toUpperCase();
  return out;
}
