import { readFileSync, readlinkSync } from 'node:fs';
import { joinRoot } from '../fs/workspace-path.js';
import { lstatOrUndefined, statSignature } from '../fs/stat-signature.js';
import type { Log } from '../log/logger.js';
import type { FileRecord, Ledger, Seed } from '../store/ledger.js';
import { CannotEncode, planFor } from './content-plan.js';
import type { ContentStore } from './content-store.js';
import { DigestMismatch, type HydrationSource, type HydrationTarget, type Installer, type PreparedInstall } from './installer.js';
import { SourceChanged } from './local-copy.js';
import { Lookahead } from './lookahead.js';
import { normaliseText } from './text-normalise.js';
import type { Expectation, Verifier } from './verifier.js';

/**
 * Content already on this machine, tried before the server: the content store, hydrated files of
 * other workspaces (o4's "smart clone"), and directories indexed with `o4-agent seed`. Every copy
 * is verified against the server digest on the way in; a source is only ever read, never moved.
 * A copy made from a sibling or a seed is not added to the store: it is itself a verified local
 * source from then on, and a second copy would double the cost of reuse (docs/architecture.md).
 */
export class LocalSources {
  private readonly siblingCopies: Lookahead<Array<FileRecord & { root: string }>>;

  constructor(
    private readonly deps: {
      readonly ledger: Ledger;
      readonly store: ContentStore;
      readonly installer: Installer;
      readonly verifier: Verifier;
      readonly log: Log;
      readonly siblings: boolean;
      readonly seeds: boolean;
    },
  ) {
    this.siblingCopies = new Lookahead((digests) => deps.ledger.hydratedCopies(digests));
  }

  /** The files about to be asked for, in order: their ledger lookups are made in batches. */
  plan(targets: readonly HydrationTarget[]): void {
    const digests = targets.flatMap((t) => (t.plan.storeKey && t.plan.localReuse ? [t.plan.storeKey] : []));
    this.siblingCopies.plan(digests);
    this.deps.verifier.plan(digests);
  }

  /** A verified install from the first local source that has the content, or undefined. */
  async prepare(t: HydrationTarget): Promise<PreparedInstall | undefined> {
    const digest = t.plan.storeKey;
    if (!digest || !t.plan.localReuse) return undefined;
    const expect = this.deps.verifier.expectFor(digest);
    try {
      return (
        (await this.fromStore(t, expect)) ??
        (this.deps.siblings ? await this.fromSiblings(t, expect) : undefined) ??
        (this.deps.seeds ? await this.fromSeeds(t, expect) : undefined)
      );
    } catch (err) {
      if (err instanceof CannotEncode) return undefined; // this content needs p4 to write it
      throw err;
    }
  }

  private async fromStore(t: HydrationTarget, expect: Expectation): Promise<PreparedInstall | undefined> {
    const entry = this.deps.store.lookup(expect.digest);
    if (!entry) return undefined;
    try {
      return await this.deps.installer.prepareFromStoredFile(t, entry.path, 'store', expect);
    } catch (err) {
      if (!(err instanceof DigestMismatch)) throw err;
      this.deps.store.discard(expect.digest, err.message);
      return undefined;
    }
  }

  private async fromSiblings(t: HydrationTarget, expect: Expectation): Promise<PreparedInstall | undefined> {
    for (const copy of this.siblingCopies.get(expect.digest) ?? []) {
      if (copy.workspaceId === t.rec.workspaceId && copy.rel === t.rec.rel) continue;
      // Only a copy exactly as it was hydrated: a local edit is not the revision any more.
      if (copy.statSig === null) continue;
      const prepared = await this.fromLocalFile(t, joinRoot(copy.root, copy.rel), copy.statSig, planFor(copy), expect, 'sibling');
      if (prepared) return prepared;
    }
    return undefined;
  }

  private async fromSeeds(t: HydrationTarget, expect: Expectation): Promise<PreparedInstall | undefined> {
    for (const seed of this.deps.ledger.seedsFor(expect.digest)) {
      const prepared = await this.fromSeed(t, seed, expect);
      if (prepared) return prepared;
      if (currentSig(seed.path) !== seed.statSig) this.deps.ledger.forgetSeed(seed.path); // changed or gone since it was indexed
    }
    return undefined;
  }

  private fromSeed(t: HydrationTarget, seed: Seed, expect: Expectation): Promise<PreparedInstall | undefined> | PreparedInstall | undefined {
    if (seed.digestRaw === expect.digest) return this.fromLocalFile(t, seed.path, seed.statSig, undefined, expect, 'seed');
    if (currentSig(seed.path) !== seed.statSig) return undefined;
    return this.fromStoredBytes(t, normaliseText(readFileSync(seed.path)), expect, 'seed', () => this.deps.ledger.forgetSeed(seed.path));
  }

  /**
   * A file elsewhere on this machine, used only while its stat is still `sig` (as recorded when it
   * was verified): its bytes are the stored form (theirPlan undefined or an identity plan), or its
   * plan maps them back to it. Whatever is read is verified against the digest, so a change during
   * the copy cannot slip through.
   */
  private async fromLocalFile(
    t: HydrationTarget,
    abs: string,
    sig: string,
    theirPlan: ReturnType<typeof planFor> | undefined,
    expect: Expectation,
    source: HydrationSource,
  ): Promise<PreparedInstall | undefined> {
    try {
      if (theirPlan?.symlink || (theirPlan && !theirPlan.clientFormIsStored)) {
        if (currentSig(abs) !== sig) return undefined;
        if (theirPlan.symlink) return this.fromStoredBytes(t, Buffer.from(`${readlinkSync(abs)}\n`), expect, source);
        const stored = theirPlan.toStored(readFileSync(abs));
        return stored ? this.fromStoredBytes(t, stored, expect, source) : undefined;
      }
      return await this.deps.installer.prepareFromStoredFile(t, abs, source, expect, sig);
    } catch (err) {
      if (err instanceof SourceChanged) return undefined;
      if (!(err instanceof DigestMismatch)) throw err;
      this.deps.log.warn({ path: abs, err: err.message }, 'a local copy did not match its digest; not used');
      return undefined;
    }
  }

  private fromStoredBytes(
    t: HydrationTarget,
    stored: Buffer,
    expect: Expectation,
    source: HydrationSource,
    onMismatch?: () => void,
  ): PreparedInstall | undefined {
    try {
      this.deps.verifier.check(t, expect, this.deps.verifier.hash(stored, expect), stored.length, source);
    } catch (err) {
      if (!(err instanceof DigestMismatch)) throw err;
      onMismatch?.();
      return undefined;
    }
    return this.deps.installer.prepareFromStoredBytes(t, stored, source);
  }
}

function currentSig(path: string): string | undefined {
  const st = lstatOrUndefined(path);
  return st && (st.isFile() || st.isSymbolicLink()) ? statSignature(st) : undefined;
}
