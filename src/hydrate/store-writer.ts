import { writeFileSync } from 'node:fs';
import { describeError } from '../errors.js';
import { unlinkQuietly } from '../fs/temp-file.js';
import type { Log } from '../log/logger.js';
import type { ContentStore } from './content-store.js';

/**
 * Adds verified content that p4 wrote in its client form (print -o) to the content store, as its
 * stored form. Best effort: a full or unwritable store never fails a hydration, it is only logged.
 * (Streamed revisions are written into the store directly, see server-source.ts.)
 */
export class StoreWriter {
  constructor(
    private readonly store: ContentStore,
    private readonly log: Log,
  ) {}

  addBytes(digest: string, stored: Buffer): void {
    if (this.store.lookup(digest)) return;
    const tmp = this.store.tempPath();
    try {
      writeFileSync(tmp, stored, { mode: 0o600, flag: 'wx' });
      this.store.adopt(tmp, digest);
    } catch (err) {
      this.failed(digest, tmp, err);
    }
  }

  private failed(digest: string, tmp: string, err: unknown): void {
    unlinkQuietly(tmp);
    this.log.warn({ digest, err: describeError(err) }, 'could not add to the content store');
  }
}
