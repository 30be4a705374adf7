import { O4Error } from '../../errors.js';
import { removeMarker } from '../../fs/marker.js';
import { lstatOrUndefined, statSignature } from '../../fs/stat-signature.js';
import { checkLocalPath } from '../../fs/workspace-path.js';
import type { AddedRequest } from '../../protocol/requests.js';
import { transition } from '../../store/states.js';
import type { AgentContext } from '../context.js';
import { revisionFields } from './file-record.js';

/** `added`: the client wrote the real file itself; record it as hydrated, with its print flags for later re-hydration. */
export function handleAdded(ctx: AgentContext, req: AddedRequest): void {
  const abs = checkLocalPath(req.path);
  const loc = ctx.workspaces.locate(req, abs, req.clientFile);
  const st = lstatOrUndefined(abs);
  if (!st) throw new O4Error('NOT_FOUND', `added: ${abs} does not exist`, { path: abs });
  if (st.isDirectory()) throw new O4Error('IS_DIRECTORY', `added: ${abs} is a directory`, { path: abs });
  // The client may have written into the placeholder's inode; its marker would now lie.
  if (loc.ws.markers && st.isFile()) {
    try {
      removeMarker(abs);
    } catch (err) {
      ctx.log.warn({ path: abs, err: (err as Error).message }, 'could not remove a stale placeholder marker');
    }
  }
  const prev = ctx.ledger.file(loc.ws.id, loc.rel);
  ctx.ledger.write(() =>
    ctx.ledger.putFile({
      ...revisionFields(loc, req),
      state: transition(prev?.state ?? 'untracked', 'added'),
      statSig: statSignature(st),
      source: 'p4-client',
      hydratedAt: Date.now(),
    }),
  );
}
