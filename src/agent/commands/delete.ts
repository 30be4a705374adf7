import { unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { O4Error, errnoCode, ioError } from '../../errors.js';
import { pruneEmptyDirs } from '../../fs/prune.js';
import { rescueFile, restoreRescued } from '../../fs/rescue.js';
import { isWritable } from '../../fs/stat-signature.js';
import { checkLocalPath } from '../../fs/workspace-path.js';
import type { DeleteRequest } from '../../protocol/requests.js';
import type { AgentContext } from '../context.js';
import { inspectLocalFile } from '../local-file.js';

/**
 * `delete`: remove a placeholder or hydrated file and forget it. Deleting what is not there
 * succeeds (the request is idempotent); a local edit is moved aside rather than destroyed.
 */
export function handleDelete(ctx: AgentContext, req: DeleteRequest): void {
  const abs = checkLocalPath(req.path);
  const loc = ctx.workspaces.tryLocate(req, abs);
  const rec = loc && ctx.ledger.file(loc.ws.id, loc.rel);
  const local = inspectLocalFile(abs, rec);
  if (local.kind !== 'absent' && local.kind !== 'directory' && req.noclobber && isWritable(local.st) && !local.st.isSymbolicLink()) {
    throw new O4Error('NOCLOBBER', `Can't clobber writable file ${abs}`, { path: abs });
  }
  if (!loc) {
    // A workspace the ledger has never seen holds no placeholders: the client's own delete. Its
    // root is unknown, so no parent directory is pruned (it might be the root).
    if (local.kind === 'untracked') unlinkOrAbsent(abs);
    return;
  }
  let rescuedTo: string | undefined;
  ctx.ledger.write(
    () => {
      if (rec) ctx.ledger.deleteFile(loc.ws.id, loc.rel);
      // Like the client's own delete, a directory at the path is left alone.
      if (local.kind === 'edited') {
        rescuedTo = rescueFile(ctx.paths.rescueDir, loc.ws.client, loc.rel, abs);
        ctx.ledger.recordRescue(loc.ws.id, loc.rel, rescuedTo, 'deleted by the server');
      } else if (local.kind === 'ours' || local.kind === 'untracked') {
        unlinkOrAbsent(abs);
      }
    },
    () => {
      if (rescuedTo) restoreRescued(rescuedTo, abs);
    },
  );
  if (rescuedTo) ctx.log.warn({ path: abs, rescuedTo }, 'local edit moved aside instead of deleted');
  if (req.rmdir !== 'keep') pruneEmptyDirs(dirname(abs), loc.ws.root, req.rmdir === 'preserveCWD' ? process.cwd() : undefined);
}

function unlinkOrAbsent(abs: string): void {
  try {
    unlinkSync(abs);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw ioError('delete', abs, err);
  }
}
