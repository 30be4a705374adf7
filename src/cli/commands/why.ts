import { O4Error } from '../../errors.js';
import { readMarker } from '../../fs/marker.js';
import { lstatOrUndefined, statSignature } from '../../fs/stat-signature.js';
import { planFor } from '../../hydrate/content-plan.js';
import { checkFileAnswer, type FileState } from '../../store/states.js';
import type { GlobalArgs } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { columns, formatBytes } from '../format.js';
import { locatePath } from '../locate.js';
import { printJson, runVerb } from '../verb.js';

interface WhyArgs extends GlobalArgs {
  path: string;
}

const STATE_MEANING: Record<string, string> = {
  placeholder: 'no content yet; the file is a placeholder o4-agent wrote',
  hydrated: 'has its content, written and verified by o4-agent (or by the P4 client)',
  modified: 'changed locally since o4-agent wrote it',
  missing: 'tracked, but deleted locally',
};

export function run(args: WhyArgs): Promise<number> {
  return runVerb(args, (ctx) => {
    const ledger = ctx.ledger();
    const { ws, rel, abs } = locatePath(ledger, ctx.cwd, args.path);
    const rec = rel === '' ? undefined : ledger.file(ws.id, rel);
    const st = lstatOrUndefined(abs);
    if (!rec) {
      // Say which it is: a directory wants `status`, a file was never synced here, or nothing is there.
      const what = st?.isDirectory()
        ? `${abs} is a directory; o4-agent why explains one file (o4-agent status ${args.path} summarises a directory)`
        : st
          ? `${abs} is not a file o4-agent tracks in ${ws.client}: never synced with P4ALTSYNC, or not in the workspace view`
          : `${abs} does not exist and is not a file o4-agent tracks in ${ws.client}`;
      throw new O4Error('USAGE', what);
    }
    const onDisk = !st ? 'absent' : statSignature(st) === rec.statSig ? 'as-recorded' : 'changed';
    const answer = checkFileAnswer({ state: rec.state, onDisk, recordedDigest: rec.digest, requestDigest: rec.digest ?? undefined });
    const plan = planFor(rec);
    const marker = st?.isFile() ? safeMarker(abs) : undefined;
    const lastError = ledger.lastError(ws.id, rel);
    const rescues = ledger.rescues(ws.id, rel);
    const info = {
      path: abs,
      workspace: { client: ws.client, port: ws.port, root: ws.root },
      state: rec.state,
      depotFile: rec.depotFile,
      rev: rec.rev,
      digest: rec.digest,
      fileType: rec.fileType ?? rec.typeCode ?? 'text',
      printFlags: [...(plan.expandKeywords ? [] : ['-K']), ...plan.printFlags],
      size: rec.fileSize,
      writable: rec.writable,
      executable: rec.executable,
      hydrated: rec.hydratedAt ? { at: new Date(rec.hydratedAt).toISOString(), source: rec.source } : null,
      onDisk: st ? { state: onDisk, mode: (Number(st.mode) & 0o777).toString(8).padStart(3, '0'), size: Number(st.size) } : { state: 'absent' },
      checkFileNow: answer,
      marker: marker ?? null,
      lastError: lastError ? { message: lastError.message, at: new Date(lastError.at).toISOString() } : null,
      movedAside: rescues.map((r) => ({ savedTo: r.savedTo, reason: r.reason, at: new Date(r.at).toISOString() })),
    };
    if (ctx.json) {
      printJson(ctx, info);
      return EXIT.OK;
    }
    const rows: string[][] = [
      ['state', `${rec.state} — ${STATE_MEANING[rec.state]}`],
      ['depot file', `${rec.depotFile}#${rec.rev}`],
      ['digest', rec.digest ?? '(none from the server)'],
      ['type', `${info.fileType}   print flags: ${info.printFlags.join(' ') || '(none)'}`],
      ['size', rec.fileSize === null ? 'unknown' : `${formatBytes(rec.fileSize)} (${rec.fileSize} bytes)`],
      ['p4 mode', `${rec.writable ? 'writable' : 'read-only'}${rec.executable ? ', executable' : ''} (as the last sync or p4 edit asked)`],
      ['content', describeContent(rec.state, info.hydrated)],
      [
        'on disk',
        !st
          ? 'missing'
          : st.isDirectory()
            ? `a directory is where the file should be, mode ${info.onDisk.mode}`
            : `${describeOnDisk(rec.state, onDisk === 'as-recorded')}, mode ${info.onDisk.mode}`,
      ],
      ['checkFile', `${answer} (what p4 diff, reconcile and revert would be told now)`],
      ['workspace', `${ws.client} on ${ws.port}, root ${ws.root}`],
    ];
    if (marker) rows.push(['marker', `user.o4.placeholder = "${marker}"`]);
    if (lastError) rows.push(['last error', `${info.lastError!.at}: ${lastError.message}`]);
    for (const r of info.movedAside) rows.push(['moved aside', `${r.savedTo} (${r.reason}, ${r.at})`]);
    ctx.out.write(`${abs}\n${columns(rows.map(([k, v]) => [`  ${k}`, v!]))}\n`);
    return EXIT.OK;
  });
}

/** The file on disk against the ledger's record (for a modified file: the edit the daemon last saw). */
function describeOnDisk(state: FileState, asRecorded: boolean): string {
  if (state === 'modified') return asRecorded ? 'the local edit, as last recorded' : 'changed again since the edit was recorded';
  return asRecorded ? 'exactly as o4-agent recorded it' : 'changed since o4-agent recorded it';
}

/** Where the content came from; hydrate only fills placeholders, so only they get that advice. */
function describeContent(state: FileState, hydrated: { at: string; source: string | null } | null): string {
  const from = hydrated ? `${sourceName(hydrated.source)} at ${hydrated.at}` : undefined;
  switch (state) {
    case 'placeholder':
      return 'none yet (o4-agent hydrate fetches it)';
    case 'modified':
      return from ? `${from}, since changed locally` : 'changed locally';
    case 'missing':
      return 'none: deleted locally (p4 sync -f brings it back)';
    default:
      return from ?? 'written by the P4 client';
  }
}

/** The marker, when it can be read (a mode-000 placeholder hides its xattrs from non-root users). */
function safeMarker(abs: string): string | undefined {
  try {
    return readMarker(abs);
  } catch {
    return undefined;
  }
}

function sourceName(source: string | null): string {
  switch (source) {
    case 'store':
      return 'from the local content store';
    case 'sibling':
      return 'copied from another hydrated copy on this machine';
    case 'seed':
      return 'copied from a seeded directory';
    case 'server':
      return 'from the server';
    default:
      return 'written by the P4 client'; // `added`: the client wrote it itself
  }
}
