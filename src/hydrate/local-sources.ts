import { readFileSync, readlinkSync } from 'node:fs';
import { joinRoot } from '../fs/workspace-path.js';
import { lstatOrUndefined, statSignature } from '../fs/stat-signature.js';
import type { Log } from '../log/logger.js';
import type { FileRecord, Ledger, Seed } from '../store/ledger.js';
import { CannotEncode, planFor } from './content-plan.js';
import type { ContentStore } from './content-store.js';
import { md5Hex } from './file-bytes.js';
import { DigestMismatch, type HydrationSource, type HydrationTarget, type Installer } from './installer.js';
import { normaliseText } from './text-normalise.js';
import { StoreWriter } from './store-writer.js';

/**
 * Content already on this machine, tried before the server: the content store, hydrated files of
 * other workspaces (o4's "smart clone"), and directories indexed with `o4-agent seed`. Every copy
 * is verified against the server digest on the way in; a source is only ever read, never moved.
 */
export interface LocalHit {
  readonly source: HydrationSource;
  readonly bytes: number;
}

export class LocalSources {
  constructor(
    private readonly ledger: Ledger,
    private readonly store: ContentStore | undefined,
    private readonly installer: Installer,
    private readonly storeWriter: StoreWriter | undefined,
    private readonly log: Log,
    private readonly options: { siblings: boolean; seeds: boolean },
  ) {}

  /** Installs from the first local source that has verified content; undefined when none has. */
  tryInstall(t: HydrationTarget): LocalHit | undefined {
    const digest = t.plan.storeKey;
    if (!digest || !t.plan.localReuse) return undefined;
    try {
      return this.fromStore(t, digest) ?? (this.options.siblings ? this.fromSiblings(t, digest) : undefined) ?? (this.options.seeds ? this.fromSeeds(t, digest) : undefined);
    } catch (err) {
      if (err instanceof CannotEncode) return undefined; // this content needs p4 to write it
      throw err;
    }
  }

  private fromStore(t: HydrationTarget, digest: string): LocalHit | undefined {
    const entry = this.store?.lookup(digest);
    if (!entry) return undefined;
    try {
      return { source: 'store', bytes: this.installer.fromStoredFile(t, entry.path, 'store', digest) };
    } catch (err) {
      if (!(err instanceof DigestMismatch)) throw err;
      this.store!.discard(digest, err.message);
      return undefined;
    }
  }

  private fromSiblings(t: HydrationTarget, digest: string): LocalHit | undefined {
    for (const copy of this.ledger.hydratedCopies(digest)) {
      if (copy.workspaceId === t.rec.workspaceId && copy.rel === t.rec.rel) continue;
      const abs = joinRoot(copy.root, copy.rel);
      const st = lstatOrUndefined(abs);
      // Only a copy exactly as it was hydrated: a local edit is not the revision any more.
      if (!st || statSignature(st) !== copy.statSig) continue;
      const hit = this.installVerified(t, abs, copy, digest, 'sibling');
      if (hit) return hit;
    }
    return undefined;
  }

  private fromSeeds(t: HydrationTarget, digest: string): LocalHit | undefined {
    for (const seed of this.ledger.seedsFor(digest)) {
      const st = lstatOrUndefined(seed.path);
      if (!st || !st.isFile() || statSignature(st) !== seed.statSig) {
        this.ledger.forgetSeed(seed.path); // changed or gone since it was indexed
        continue;
      }
      const hit = this.installSeed(t, seed, digest);
      if (hit) return hit;
    }
    return undefined;
  }

  /** A hydrated file of another workspace: mapped back to stored form with its own plan, verified. */
  private installVerified(t: HydrationTarget, abs: string, copy: FileRecord, digest: string, source: HydrationSource): LocalHit | undefined {
    const theirPlan = planFor(copy);
    try {
      if (theirPlan.symlink) return this.fromBytes(t, Buffer.from(`${readlinkSync(abs)}\n`), digest, source);
      if (theirPlan.clientFormIsStored) {
        const bytes = this.installer.fromStoredFile(t, abs, source, digest);
        this.storeWriter?.addInstalled(t, digest);
        return { source, bytes };
      }
      const client = readFileSync(abs);
      const stored = theirPlan.toStored(client);
      if (stored === undefined) return undefined;
      return this.fromBytes(t, stored ?? client, digest, source);
    } catch (err) {
      if (err instanceof DigestMismatch) {
        this.log.warn({ path: abs, err: err.message }, 'a local copy did not match its digest; not used');
        return undefined;
      }
      throw err;
    }
  }

  private installSeed(t: HydrationTarget, seed: Seed, digest: string): LocalHit | undefined {
    try {
      if (seed.digestRaw === digest) {
        const bytes = this.installer.fromStoredFile(t, seed.path, 'seed', digest);
        this.storeWriter?.addInstalled(t, digest);
        return { source: 'seed', bytes };
      }
      return this.fromBytes(t, normaliseText(readFileSync(seed.path)), digest, 'seed');
    } catch (err) {
      if (err instanceof DigestMismatch) {
        this.ledger.forgetSeed(seed.path);
        return undefined;
      }
      throw err;
    }
  }

  private fromBytes(t: HydrationTarget, stored: Buffer, digest: string, source: HydrationSource): LocalHit | undefined {
    const got = md5Hex(stored);
    if (got !== digest) throw new DigestMismatch(t, got, source);
    const bytes = this.installer.fromStoredBytes(t, stored, source);
    this.storeWriter?.addBytes(digest, stored);
    return { source, bytes };
  }
}
