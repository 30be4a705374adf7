import { closeSync, fchmodSync, fstatSync, openSync, constants } from 'node:fs';
import { O4Error, errnoCode, ioError } from '../errors.js';
import { statSignature } from '../fs/stat-signature.js';
import { closeQuietly, openTempBeside, unlinkQuietly } from '../fs/temp-file.js';
import { copyHashingFd, type HashAlgorithm, type Hashes } from './file-bytes.js';

/**
 * The copy at the heart of local hydration: a source file whose bytes are already the target's
 * client form, copied into a temp file beside the target and hashed on the way, in one pass. It runs
 * on the main thread or, for big batches, in copy workers (copy-pool.ts): it needs nothing but the
 * job, and its result is plain data.
 */
export interface CopyJob {
  readonly src: string;
  /** Use the source only while its stat is still this (checked on the open descriptor). */
  readonly sourceSig?: string | undefined;
  readonly target: string;
  /** Final mode of the temp file (and so of the installed file). */
  readonly mode: number;
  readonly algs: readonly HashAlgorithm[];
}

/** From this size a copy runs in the kernel (thread pool) while the main thread hashes the source. */
export const LARGE_FILE = 4 * 1024 * 1024;

export type CopyResult =
  | { readonly kind: 'copied'; readonly tmpPath: string; readonly size: number; readonly hashes: Hashes; readonly statSig: string }
  /** LARGE_FILE or more: not copied, the caller copies it in the kernel instead. */
  | { readonly kind: 'large'; readonly size: number };

/** A local source no longer has the stat it was recorded with: it is not used. */
export class SourceChanged extends O4Error {
  constructor(path: string) {
    super('MODIFIED', `${path} changed since it was recorded; not used as a source`, { path });
    this.name = 'SourceChanged';
  }
}

export function copyToTemp(job: CopyJob): CopyResult {
  const src = openSource(job.src, job.sourceSig);
  try {
    if (src.size >= LARGE_FILE) return { kind: 'large', size: src.size };
    const { fd, tmpPath } = openTempBeside(job.target);
    try {
      const copied = copyHashingFd(src.fd, job.src, fd, job.algs, src.size);
      fchmodSync(fd, job.mode);
      // The stat the file will have once renamed into place: rename changes neither inode nor mtime.
      const statSig = statSignature(fstatSync(fd, { bigint: true }));
      closeSync(fd);
      return { kind: 'copied', tmpPath, size: copied.size, hashes: copied.hashes, statSig };
    } catch (err) {
      closeQuietly(fd);
      unlinkQuietly(tmpPath);
      throw err instanceof O4Error ? err : ioError('copy content for', job.target, err);
    }
  } finally {
    closeSync(src.fd);
  }
}

/** Opens a source file; with `sig`, only while its stat is still that. */
export function openSource(path: string, sig: string | undefined): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (sig !== undefined && (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ELOOP')) throw new SourceChanged(path);
    throw ioError('read', path, err);
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (sig !== undefined && statSignature(st) !== sig) throw new SourceChanged(path);
    return { fd, size: Number(st.size) };
  } catch (err) {
    closeSync(fd);
    throw err instanceof O4Error ? err : ioError('read', path, err);
  }
}
