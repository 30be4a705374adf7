import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, read, readSync, writeSync, constants } from 'node:fs';
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
  let fd: number;
  try {
    fd = openSync(src, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw ioError('read', src, err);
  }
  try {
    return copyHashingFd(fd, src, destFd, algs);
  } finally {
    closeSync(fd);
  }
}

/**
 * copyHashing from an open descriptor. With `knownSize` (from fstat of that descriptor) the final
 * read that would only report end of file is skipped: a file that grew meanwhile then fails its
 * digest check instead of being copied whole, which is the right outcome for a changing source.
 */
export function copyHashingFd(
  fd: number,
  label: string,
  destFd: number | null,
  algs: readonly HashAlgorithm[],
  knownSize?: number,
): { hashes: Hashes; size: number } {
  const hashes = algs.map((a) => [a, createHash(a)] as const);
  let size = 0;
  try {
    while (size !== knownSize) {
      const n = readSync(fd, shared, 0, CHUNK, null);
      if (n === 0) break;
      const chunk = shared.subarray(0, n);
      for (const [, h] of hashes) h.update(chunk);
      if (destFd !== null) writeAll(destFd, chunk);
      size += n;
    }
  } catch (err) {
    throw ioError(destFd === null ? 'read' : 'copy', label, err);
  }
  return { hashes: digests(hashes), size };
}

/** Hashes an open file with reads in the thread pool, so the main thread only hashes. */
export async function hashFdAsync(fd: number, label: string, algs: readonly HashAlgorithm[]): Promise<{ hashes: Hashes; size: number }> {
  const hashes = algs.map((a) => [a, createHash(a)] as const);
  const buf = Buffer.allocUnsafe(4 * CHUNK);
  let size = 0;
  try {
    for (;;) {
      const bytesRead = await new Promise<number>((resolve, reject) =>
        read(fd, buf, 0, buf.length, null, (err, n) => (err ? reject(err) : resolve(n))),
      );
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      for (const [, h] of hashes) h.update(chunk);
      size += bytesRead;
    }
  } catch (err) {
    throw ioError('read', label, err);
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
