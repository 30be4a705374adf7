import { copyFileSync, existsSync, renameSync, unlinkSync, constants } from 'node:fs';
import { join } from 'node:path';
import { errnoCode, ioError } from '../errors.js';
import { makeParentDirs } from './temp-file.js';

/**
 * Moves a local edit of a tracked file out of the way before the server's request replaces or
 * deletes it. Perforce would silently destroy such a read-only file; o4-agent keeps it under the
 * state directory and says where in the log and in `o4-agent why`. (An untracked file in the way is
 * the client's business, as without altsync: `noclobber` protects the writable ones.)
 */
export function rescueFile(rescueRoot: string, client: string, rel: string, absPath: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dest = join(rescueRoot, sanitizeSegment(client), `${stamp}-${process.pid}`, rel);
  makeParentDirs(join(dest, '..'));
  try {
    renameSync(absPath, dest);
  } catch (err) {
    if (errnoCode(err) !== 'EXDEV') throw ioError('move aside locally changed file', absPath, err);
    try {
      copyFileSync(absPath, dest, constants.COPYFILE_FICLONE);
      unlinkSync(absPath);
    } catch (copyErr) {
      throw ioError('copy aside locally changed file', absPath, copyErr);
    }
  }
  return dest;
}

/** Puts a rescued file back where it was, if nothing has taken its place; used when the replacing step failed. */
export function restoreRescued(savedTo: string, absPath: string): void {
  try {
    if (!existsSync(absPath)) renameSync(savedTo, absPath);
  } catch {
    // It stays in the rescue directory, which the log and `why` name.
  }
}

function sanitizeSegment(s: string): string {
  return s.replace(/[/\0]/g, '_') || '_';
}
