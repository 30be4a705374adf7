import { chmodSync, renameSync } from 'node:fs';
import { O4Error, ioError } from '../../errors.js';
import { markerValue } from '../../fs/marker.js';
import { clientFileMode, placeholderFileMode } from '../../fs/modes.js';
import { createPlaceholderInPlace, preparePlaceholder, type PlaceholderSpec, type WrittenPlaceholder } from '../../fs/placeholder.js';
import { rescueFile, restoreRescued } from '../../fs/rescue.js';
import { isWritable } from '../../fs/stat-signature.js';
import { unlinkQuietly } from '../../fs/temp-file.js';
import { checkLocalPath } from '../../fs/workspace-path.js';
import type { AddRequest } from '../../protocol/requests.js';
import { transition } from '../../store/states.js';
import type { AgentContext } from '../context.js';
import { inspectLocalFile, type LocalFile } from '../local-file.js';
import type { Located } from '../workspaces.js';
import { revisionFields, sameWrittenContent, type RevisionFields } from './file-record.js';

/**
 * `add`: make (or replace) the placeholder of one revision. A hydrated file that already holds the
 * same bytes is kept; a local edit in the way is moved aside, never destroyed.
 */
export function handleAdd(ctx: AgentContext, req: AddRequest): void {
  const abs = checkLocalPath(req.path);
  const loc = ctx.workspaces.locate(req, abs, req.clientFile);
  const fields = revisionFields(loc, req);
  const spec: PlaceholderSpec = {
    target: abs,
    size: Math.max(0, req.fileSize ?? 0),
    mode: placeholderFileMode(ctx.config.placeholders.mode, fields),
    marker: loc.ws.markers ? markerValue(req.rev, fields.digest) : null,
  };

  // Fast path, most of a sync: nothing at the path, so nothing to compare, keep or protect.
  const fresh = createPlaceholderInPlace(spec);
  if (fresh) {
    noteMarkerSupport(ctx, loc, fresh);
    try {
      ctx.ledger.writeOne(() => ctx.ledger.putFile({ ...fields, state: 'placeholder', statSig: fresh.statSig, source: null, hydratedAt: null }));
    } catch (err) {
      unlinkQuietly(abs);
      throw err;
    }
    return;
  }
  replaceExisting(ctx, req, loc, fields, spec);
}

function replaceExisting(ctx: AgentContext, req: AddRequest, loc: Located, fields: RevisionFields, spec: PlaceholderSpec): void {
  const { abs } = loc;
  const prev = ctx.ledger.file(loc.ws.id, loc.rel);
  const local = inspectLocalFile(abs, prev);
  if (local.kind === 'directory') throw new O4Error('IS_DIRECTORY', `cannot create ${abs}: a directory is in the way`, { path: abs });
  if (local.kind !== 'absent' && req.noclobber && isWritable(local.st) && !local.st.isSymbolicLink()) {
    throw new O4Error('NOCLOBBER', `Can't clobber writable file ${abs}`, { path: abs });
  }
  if (local.kind === 'ours' && local.rec.state === 'hydrated' && sameWrittenContent(local.rec, fields)) {
    keepHydrated(ctx, abs, local, fields);
    return;
  }

  const prepared = preparePlaceholder(spec);
  noteMarkerSupport(ctx, loc, prepared);
  let rescuedTo: string | undefined;
  try {
    if (local.kind === 'edited') rescuedTo = rescueFile(ctx.paths.rescueDir, loc.ws.client, loc.rel, abs);
    ctx.ledger.write(
      () => {
        ctx.ledger.putFile({
          ...fields,
          state: transition(prev?.state ?? 'untracked', 'add'),
          statSig: prepared.statSig,
          source: null,
          hydratedAt: null,
        });
        if (rescuedTo) ctx.ledger.recordRescue(loc.ws.id, loc.rel, rescuedTo, `replaced by ${req.depotFile}#${req.rev}`);
        try {
          renameSync(prepared.path, abs);
        } catch (err) {
          throw ioError('create placeholder', abs, err);
        }
      },
      () => unlinkQuietly(abs),
    );
  } catch (err) {
    unlinkQuietly(prepared.path);
    if (rescuedTo) restoreRescued(rescuedTo, abs);
    throw err;
  }
  if (rescuedTo) ctx.log.warn({ path: abs, rescuedTo, depotFile: req.depotFile, rev: req.rev }, 'local edit moved aside before add replaced it');
}

/** The same bytes are already here: keep them, apply the requested mode, record the new revision. */
function keepHydrated(ctx: AgentContext, abs: string, local: Extract<LocalFile, { kind: 'ours' }>, fields: RevisionFields): void {
  if (!local.st.isSymbolicLink()) {
    try {
      chmodSync(abs, clientFileMode(fields));
    } catch (err) {
      throw ioError('set the mode of', abs, err);
    }
  }
  ctx.ledger.write(() =>
    ctx.ledger.putFile({
      ...fields,
      state: transition('hydrated', 'add-kept'),
      statSig: local.rec.statSig,
      source: local.rec.source,
      hydratedAt: local.rec.hydratedAt,
    }),
  );
}

function noteMarkerSupport(ctx: AgentContext, loc: Located, written: WrittenPlaceholder): void {
  if (loc.ws.markers && !written.markerWritten) ctx.workspaces.markersUnsupported(loc.ws);
}
