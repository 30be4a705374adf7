import { readFileSync } from 'node:fs';
import { describeError } from '../errors.js';
import { lstatOrUndefined, statSignature } from '../fs/stat-signature.js';
import { joinRoot } from '../fs/workspace-path.js';
import { planFor } from '../hydrate/content-plan.js';
import { hashHex } from '../hydrate/file-bytes.js';
import type { Log } from '../log/logger.js';
import type { FileRecord, Ledger, Workspace } from '../store/ledger.js';
import { transition, type FileState } from '../store/states.js';
import { placeholderStillEmpty } from '../agent/local-file.js';

/**
 * Keeps the ledger true to the disk. Each path is judged with one lstat against the stat the agent
 * recorded: equal means nothing happened that the agent did not do itself (its own writes record
 * their stat in the same transaction); different means a local edit; gone means missing. Content is
 * read only to check that a file which reappeared, or was edited, holds the recorded revision again.
 */
export interface Examined {
  edited: number;
  deleted: number;
  returned: number;
  /** Files to check by content: they may hold the recorded revision (again). */
  readonly toCheck: Array<{ ws: Workspace; rec: FileRecord }>;
}

/** Files larger than this are not read to check whether an edit was undone. */
const CONTENT_CHECK_LIMIT = 64 * 1024 * 1024;

export class EditDetector {
  constructor(
    private readonly ledger: Ledger,
    private readonly log: Log,
  ) {}

  /** Judges the given paths of one workspace, in one write transaction. */
  examine(ws: Workspace, rels: Iterable<string>): Examined {
    const result: Examined = { edited: 0, deleted: 0, returned: 0, toCheck: [] };
    this.ledger.write(() => {
      for (const rel of rels) {
        const rec = this.ledger.file(ws.id, rel);
        if (rec) this.judge(ws, rec, result);
      }
    });
    return result;
  }

  /**
   * Every tracked file of a workspace (relDir ''), or below one directory, a page at a time: one
   * lstat each, one short write transaction per page, so the agent is never kept waiting long.
   */
  async reconcile(ws: Workspace, relDir = '', signal?: AbortSignal): Promise<Examined> {
    const total: Examined = { edited: 0, deleted: 0, returned: 0, toCheck: [] };
    const prefix = relDir === '' ? '' : `${relDir}/`;
    let after: string | null = null;
    for (;;) {
      if (signal?.aborted) break;
      const page = this.ledger.filesByRelPrefix(ws.id, prefix, after, 2000);
      if (page.length === 0) break;
      after = page[page.length - 1]!.rel;
      const r = this.examine(
        ws,
        page.map((p) => p.rel),
      );
      total.edited += r.edited;
      total.deleted += r.deleted;
      total.returned += r.returned;
      total.toCheck.push(...r.toCheck);
      await new Promise((resolve) => setImmediate(resolve)); // let socket requests in between pages
    }
    return total;
  }

  /**
   * Reads a file that may hold the recorded revision and, if its digest matches and it did not
   * change meanwhile, records it as hydrated again.
   */
  checkContent(ws: Workspace, rec: FileRecord): boolean {
    const abs = joinRoot(ws.root, rec.rel);
    const plan = planFor(rec);
    if (!rec.digest || plan.verify !== 'digest' || plan.symlink) return false;
    const before = lstatOrUndefined(abs);
    if (!before || !before.isFile() || Number(before.size) > CONTENT_CHECK_LIMIT) return false;
    let stored: Buffer | null | undefined;
    try {
      const client = readFileSync(abs);
      stored = plan.toStored(client);
      if (stored === null) stored = client;
    } catch (err) {
      this.log.debug({ path: abs, err: describeError(err) }, 'content check could not read the file');
      return false;
    }
    if (!stored || hashHex('md5', stored) !== rec.digest) return false;
    const sig = statSignature(before);
    let restored = false;
    this.ledger.write(() => {
      const now = this.ledger.file(ws.id, rec.rel);
      const st = lstatOrUndefined(abs);
      if (!now || !st || statSignature(st) !== sig || (now.state !== 'modified' && now.state !== 'missing')) return;
      this.ledger.recordLocalState(ws.id, rec.rel, transition(now.state, 'local-restore-same'), sig);
      restored = true;
    });
    if (restored) this.log.info({ path: abs }, 'file holds the recorded revision again: hydrated');
    return restored;
  }

  private judge(ws: Workspace, rec: FileRecord, result: Examined): void {
    const abs = joinRoot(ws.root, rec.rel);
    const st = lstatOrUndefined(abs);
    // A directory (or pipe, socket) in the file's place means the file is gone, as verify sees it.
    if (!st || (!st.isFile() && !st.isSymbolicLink())) {
      if (rec.state !== 'missing') {
        this.ledger.recordLocalState(ws.id, rec.rel, transition(rec.state, 'local-delete'), null);
        result.deleted++;
      }
      return;
    }
    const sig = statSignature(st);
    if (sig === rec.statSig) {
      if (rec.state === 'missing') {
        // The very same inode came back (moved away and back): what it was before.
        const back: FileState = rec.source ? transition('missing', 'local-restore-same') : transition('missing', 'local-return-placeholder');
        this.ledger.recordLocalState(ws.id, rec.rel, back, sig);
        result.returned++;
      }
      return;
    }
    if (rec.state === 'placeholder' && placeholderStillEmpty(abs, st, rec)) {
      // Touched (times, a backup tool) but never written: still the placeholder, with this stat.
      this.ledger.recordLocalState(ws.id, rec.rel, 'placeholder', sig);
      return;
    }
    const next = rec.state === 'missing' ? transition('missing', 'local-restore-other') : transition(rec.state, 'local-write');
    this.ledger.recordLocalState(ws.id, rec.rel, next, sig);
    if (rec.state === 'missing') result.returned++;
    else if (rec.state !== 'modified') result.edited++;
    result.toCheck.push({ ws, rec: { ...rec, state: next, statSig: sig } });
  }
}
