import { closeSync, fchmodSync, fstatSync, ftruncateSync } from 'node:fs';
import { ioError } from '../errors.js';
import { isUnsupportedXattr, setMarker } from './marker.js';
import { statSignature } from './stat-signature.js';
import { closeQuietly, openTempBeside, unlinkQuietly } from './temp-file.js';

export interface PlaceholderSpec {
  /** Final path; the placeholder is written beside it and renamed over it by the caller. */
  readonly target: string;
  /** The size the real file will have on this client: sparse, so it costs no data blocks. */
  readonly size: number;
  readonly mode: number;
  /** xattr marker value, or null where the filesystem has no user xattrs. */
  readonly marker: string | null;
}

export interface PreparedPlaceholder {
  readonly tmpPath: string;
  /** Stat signature of the placeholder; rename keeps inode and mtime, so it holds after the rename. */
  readonly statSig: string;
  /** False when the filesystem refused user xattrs; the caller records that for the workspace. */
  readonly markerWritten: boolean;
}

/** Writes a complete placeholder under a temp name beside its target. Nothing is left behind on failure. */
export function preparePlaceholder(spec: PlaceholderSpec): PreparedPlaceholder {
  const { fd, tmpPath } = openTempBeside(spec.target);
  let step = 'size';
  try {
    if (spec.size > 0) ftruncateSync(fd, spec.size);
    let markerWritten = false;
    if (spec.marker !== null) {
      step = 'mark';
      try {
        setMarker(tmpPath, spec.marker);
        markerWritten = true;
      } catch (err) {
        if (!isUnsupportedXattr(err)) throw err;
      }
    }
    step = 'set the mode of';
    // After the marker: with no permission bits, even the owner could not set a user xattr.
    fchmodSync(fd, spec.mode);
    step = 'stat';
    const statSig = statSignature(fstatSync(fd, { bigint: true }));
    closeSync(fd);
    return { tmpPath, statSig, markerWritten };
  } catch (err) {
    closeQuietly(fd);
    unlinkQuietly(tmpPath);
    throw ioError(`${step} placeholder`, spec.target, err);
  }
}
