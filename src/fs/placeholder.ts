import { closeSync, fchmodSync, fstatSync, ftruncateSync } from 'node:fs';
import { ioError } from '../errors.js';
import { isUnsupportedXattr, setMarker } from './marker.js';
import { statSignature } from './stat-signature.js';
import { closeQuietly, createExclusive, openTempBeside, unlinkQuietly } from './temp-file.js';

export interface PlaceholderSpec {
  /** Final path of the placeholder. */
  readonly target: string;
  /** The size the real file will have on this client: sparse, so it costs no data blocks. */
  readonly size: number;
  readonly mode: number;
  /** xattr marker value, or null where the filesystem has no user xattrs. */
  readonly marker: string | null;
}

export interface WrittenPlaceholder {
  /** Where the placeholder is now: the target itself, or a temp file beside it. */
  readonly path: string;
  /** Stat signature; a later rename keeps inode and mtime, so it holds at the target too. */
  readonly statSig: string;
  /** False when the filesystem refused user xattrs; the caller records that for the workspace. */
  readonly markerWritten: boolean;
}

/**
 * Creates the placeholder directly at its target when nothing is there — the common case of a
 * sync, one directory operation instead of create + rename. Undefined when the target exists.
 */
export function createPlaceholderInPlace(spec: PlaceholderSpec): WrittenPlaceholder | undefined {
  const fd = createExclusive(spec.target);
  return fd === undefined ? undefined : fillPlaceholder(fd, spec.target, spec);
}

/** Writes a complete placeholder under a temp name beside its target, for the caller to rename over it. */
export function preparePlaceholder(spec: PlaceholderSpec): WrittenPlaceholder {
  const { fd, tmpPath } = openTempBeside(spec.target);
  return fillPlaceholder(fd, tmpPath, spec);
}

/** Sizes, marks and locks down a freshly created file; on failure nothing is left behind. */
function fillPlaceholder(fd: number, path: string, spec: PlaceholderSpec): WrittenPlaceholder {
  let step = 'size';
  try {
    if (spec.size > 0) ftruncateSync(fd, spec.size);
    let markerWritten = false;
    if (spec.marker !== null) {
      step = 'mark';
      try {
        setMarker(path, spec.marker);
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
    return { path, statSig, markerWritten };
  } catch (err) {
    closeQuietly(fd);
    unlinkQuietly(path);
    throw ioError(`${step} placeholder`, spec.target, err);
  }
}
