import { closeSync, openSync, writeFileSync, constants } from 'node:fs';
import { describeError } from '../errors.js';
import { unlinkQuietly } from '../fs/temp-file.js';
import type { Log } from '../log/logger.js';
import type { ContentStore } from './content-store.js';
import { copyHashing } from './file-bytes.js';
import type { HydrationTarget } from './installer.js';

/**
 * Fills the content store with every verified revision. Best effort: a full or unwritable store
 * never fails a hydration, it is only logged.
 */
export class StoreWriter {
  constructor(
    private readonly store: ContentStore,
    private readonly log: Log,
  ) {}

  addBytes(digest: string, stored: Buffer): void {
    if (this.store.lookup(digest)) return;
    const tmp = this.store.tempPath();
    this.attempt(digest, tmp, () => {
      writeFileSync(tmp, stored, { mode: 0o600, flag: 'wx' });
      this.store.adopt(tmp, digest);
    });
  }

  /** Copies a just-installed file whose client form is its stored form, hashing it again on the way. */
  addInstalled(t: HydrationTarget, digest: string): void {
    if (this.store.lookup(digest)) return;
    const tmp = this.store.tempPath();
    this.attempt(digest, tmp, () => {
      const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      let copied;
      try {
        copied = copyHashing(t.abs, fd);
      } finally {
        closeSync(fd);
      }
      if (copied.md5 !== digest) throw new Error(`${t.abs} changed while it was being copied`);
      this.store.adopt(tmp, digest);
    });
  }

  private attempt(digest: string, tmp: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      unlinkQuietly(tmp);
      this.log.warn({ digest, err: describeError(err) }, 'could not add to the content store');
    }
  }
}
