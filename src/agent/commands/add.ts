import { chmodSync, renameSync } from 'node:fs';
import { O4Error, ioError } from '../../errors.js';
import { markerValue } from '../../fs/marker.js';
import { clientFileMode, placeholderFileMode } from '../../fs/modes.js';
import { preparePlaceholder } from '../../fs/placeholder.js';
import { rescueFile, restoreRescued } from '../../fs/rescue.js';
import { isWritable } from '../../fs/stat-signature.js';
import { unlinkQuietly } from '../../fs/temp-file.js';
import { checkLocalPath } from '../../fs/workspace-path.js';
import type { AddRequest } from '../../protocol/requests.js';
import { transition } from '../../store/states.js';
import type { AgentContext } from '../context.js';
import { inspectLocalFile } from '../local-file.js';
import { revisionFields, sameWrittenContent } from './file-record.js';

/**
 * `add`: make (or replace) the placeholder of one revision. A hydrated file that already holds the
 * same bytes is kept; a local edit in the way is moved aside, never destroyed.
 */
export function handleAdd(ctx: AgentContext, req: AddRequest): void {
  const abs = checkLocalPath(req.path);
  const loc = ctx.workspaces.locate(req, abs, req.clientFile);
  const prev = ctx.ledger.file(loc.ws.id, loc.rel);
  const local = inspectLocalFile(abs, prev);
  if (local.kind === 'directory') throw new O4Error('IS_DIRECTORY', `cannot create ${abs}: a directory is in the way`, { path: abs });
  if (local.kind !== 'absent' && req.noclobber && isWritable(local.st) && !local.st.isSymbolicLink()) {
    throw new O4Error('NOCLOBBER', `Can't clobber writable file ${abs}`, { path: abs });
  }
  const fields = revisionFields(loc, req);

  if (local.kind === 'ours' && local.rec.state === 'hydrated' && sameWrittenContent(local.rec, fields)) {
    if (!local.st.isSymbolicLink()) {
      try {
        chmodSync(abs, clientFileMode(fields));
      } catch (err) {
        throw ioError('set the mode of', abs, err);
      }
    }
    ctx.ledger.write(() =>
      ctx.ledger.putFile({ ...fields, state: transition('hydrated', 'add-kept'), statSig: local.rec.statSig, source: local.rec.source, hydratedAt: local.rec.hydratedAt }),
    );
    return;
  }

  const prepared = preparePlaceholder({
    target: abs,
    size: Math.max(0, req.fileSize ?? 0),
    mode: placeholderFileMode(ctx.config.placeholders.mode, fields),
    marker: loc.ws.markers ? markerValue(req.rev, fields.digest) : null,
  });
  if (loc.ws.markers && !prepared.markerWritten) ctx.workspaces.markersUnsupported(loc.ws);

  let rescuedTo: string | undefined;
  try {
    if (local.kind === 'edited') rescuedTo = rescueFile(ctx.paths.rescueDir, loc.ws.client, loc.rel, abs);
    ctx.ledger.write(
      () => {
        ctx.ledger.putFile({ ...fields, state: transition(prev?.state ?? 'untracked', 'add'), statSig: prepared.statSig, source: null, hydratedAt: null });
        if (rescuedTo) ctx.ledger.recordRescue(loc.ws.id, loc.rel, rescuedTo, `replaced by ${req.depotFile}#${req.rev}`);
        try {
          renameSync(prepared.tmpPath, abs);
        } catch (err) {
          throw ioError('create placeholder', abs, err);
        }
      },
      () => unlinkQuietly(abs),
    );
  } catch (err) {
    unlinkQuietly(prepared.tmpPath);
    if (rescuedTo) restoreRescued(rescuedTo, abs);
    throw err;
  }
  if (rescuedTo) ctx.log.warn({ path: abs, rescuedTo, depotFile: req.depotFile, rev: req.rev }, 'local edit moved aside before add replaced it');
}
