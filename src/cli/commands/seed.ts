import { lstatSync, readdirSync, readFileSync, type BigIntStats } from 'node:fs';
import { join, resolve } from 'node:path';
import { O4Error, describeError } from '../../errors.js';
import { statSignature } from '../../fs/stat-signature.js';
import { hashFile, md5Hex } from '../../hydrate/file-bytes.js';
import { looksLikeText, normaliseText } from '../../hydrate/text-normalise.js';
import type { Ledger } from '../../store/ledger.js';
import type { GlobalArgs } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatBytes, formatDuration, plural } from '../format.js';
import { Progress } from '../progress.js';
import { printJson, runVerb } from '../verb.js';

interface SeedArgs extends GlobalArgs {
  from: string;
}

/** Files larger than this are indexed by their raw digest only (text normalisation reads them whole). */
const TEXT_NORMALISE_LIMIT = 64 * 1024 * 1024;

export function run(args: SeedArgs): Promise<number> {
  return runVerb(args, (ctx) => {
    const root = resolve(ctx.cwd, args.from);
    let st;
    try {
      st = lstatSync(root);
    } catch (err) {
      throw new O4Error('USAGE', `--from ${args.from}: ${describeError(err)}`);
    }
    if (!st.isDirectory()) throw new O4Error('USAGE', `--from ${args.from} is not a directory`);
    const ledger = ctx.ledger();
    const progress = new Progress(ctx.err, 'indexing', !ctx.json);
    const started = Date.now();
    const tally = { indexed: 0, unchanged: 0, bytes: 0, unreadable: 0 };
    walk(root, (path, fst) => {
      const sig = statSignature(fst);
      if (ledger.seedsAt(path)?.statSig === sig) tally.unchanged++;
      else if (indexFile(ledger, path, fst, sig)) {
        tally.indexed++;
        tally.bytes += Number(fst.size);
      } else tally.unreadable++;
      progress.update({ done: tally.indexed + tally.unchanged, total: 0, bytes: tally.bytes, failed: tally.unreadable });
    });
    progress.end();
    const durationMs = Date.now() - started;
    if (ctx.json) printJson(ctx, { directory: root, ...tally, durationMs });
    else {
      ctx.out.write(`indexed ${plural(tally.indexed, 'file')} (${formatBytes(tally.bytes)}) under ${root} in ${formatDuration(durationMs)}\n`);
      if (tally.unchanged) ctx.out.write(`  ${plural(tally.unchanged, 'file')} already indexed and unchanged\n`);
      if (tally.unreadable) ctx.out.write(`  ${plural(tally.unreadable, 'file')} could not be read and were skipped\n`);
    }
    return EXIT.OK;
  });
}

/** Regular files below `dir`; symlinks are not followed, so indexing never leaves the directory. */
function walk(dir: string, visit: (path: string, st: BigIntStats) => void): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    let st: BigIntStats;
    try {
      st = lstatSync(path, { bigint: true });
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(path, visit);
    else if (st.isFile()) visit(path, st);
  }
}

/** False when the file cannot be read (it is skipped); a ledger failure stops the whole run. */
function indexFile(ledger: Ledger, path: string, st: BigIntStats, sig: string): boolean {
  let raw: string;
  let text: string | null = null;
  try {
    if (st.size <= BigInt(TEXT_NORMALISE_LIMIT)) {
      const data = readFileSync(path);
      raw = md5Hex(data);
      if (looksLikeText(data)) {
        const normalised = normaliseText(data);
        if (normalised.length !== data.length) text = md5Hex(normalised);
      }
    } else raw = hashFile(path).hashes.md5!;
  } catch {
    return false;
  }
  ledger.putSeed({ path, statSig: sig, size: Number(st.size), digestRaw: raw, digestText: text, indexedAt: Date.now() });
  return true;
}
