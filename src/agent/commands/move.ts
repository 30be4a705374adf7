import { copyFileSync, lstatSync, renameSync, unlinkSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { O4Error, errnoCode, ioError } from '../../errors.js';
import { pruneEmptyDirs } from '../../fs/prune.js';
import { rescueFile, restoreRescued } from '../../fs/rescue.js';
import { lstatOrUndefined, statSignature } from '../../fs/stat-signature.js';
import { makeParentDirs } from '../../fs/temp-file.js';
import { checkLocalPath } from '../../fs/workspace-path.js';
import type { MoveRequest } from '../../protocol/requests.js';
import type { AgentContext } from '../context.js';
import { inspectLocalFile } from '../local-file.js';

/**
 * `move`: move a file and its ledger row from `path` to `path2`. A move that already happened (a
 * retry after a lost reply) succeeds; an existing target is only replaced with `force`.
 */
export function handleMove(ctx: AgentContext, req: MoveRequest): void {
  const src = checkLocalPath(req.path);
  const dst = checkLocalPath(req.path2, 'path2');
  if (src === dst) return; // nothing to move; the row stays where it is
  const from = ctx.workspaces.tryLocate(req, src);
  if (!from) {
    // A workspace the ledger has never seen holds no placeholders: the client's own rename.
    moveUntracked(src, dst, req.force);
    return;
  }
  const to = ctx.workspaces.locate(req, dst);
  const ws = from.ws;
  const srcRec = ctx.ledger.file(ws.id, from.rel);
  const dstRec = ctx.ledger.file(ws.id, to.rel);
  const srcSt = lstatOrUndefined(src);
  const dstSt = lstatOrUndefined(dst);

  if (!srcSt) {
    const alreadyMoved = dstSt && (dstRec !== undefined || (srcRec?.statSig != null && srcRec.statSig === statSignature(dstSt)));
    if (!alreadyMoved) throw new O4Error('NOT_FOUND', `${src} - file does not exist.`, { path: src });
    // The target's row (if any) describes the file now there; the source's row describes nothing.
    if (srcRec) ctx.ledger.write(() => (dstRec ? ctx.ledger.deleteFile(ws.id, from.rel) : ctx.ledger.moveFile(ws.id, from.rel, to.rel)));
    return;
  }
  if (srcSt.isDirectory()) throw new O4Error('IS_DIRECTORY', `cannot move ${src}: it is a directory`, { path: src });

  const sameFile = dstSt !== undefined && dstSt.ino === srcSt.ino && dstSt.dev === srcSt.dev; // a case-only rename
  let rescuedTo: string | undefined;
  if (dstSt && !sameFile) {
    if (!req.force) throw new O4Error('EXISTS', `${dst} - can't overwrite existing file.`, { path: dst });
    const target = inspectLocalFile(dst, dstRec);
    if (target.kind === 'directory') throw new O4Error('IS_DIRECTORY', `cannot move onto ${dst}: it is a directory`, { path: dst });
    if (target.kind === 'edited') rescuedTo = rescueFile(ctx.paths.rescueDir, ws.client, to.rel, dst);
  }

  try {
    ctx.ledger.write(
      () => {
        if (srcRec) ctx.ledger.moveFile(ws.id, from.rel, to.rel);
        else ctx.ledger.deleteFile(ws.id, to.rel);
        if (rescuedTo) ctx.ledger.recordRescue(ws.id, to.rel, rescuedTo, `replaced by the move of ${src}`);
        const copied = renameAcrossDirs(src, dst);
        // A copy across filesystems has a new inode: what the agent wrote is now this copy.
        if (copied && srcRec && srcRec.statSig === statSignature(srcSt)) {
          const moved = ctx.ledger.file(ws.id, to.rel);
          if (moved) ctx.ledger.putFile({ ...moved, statSig: statSignature(lstatSync(dst, { bigint: true })) });
        }
      },
      () => renameQuietly(dst, src), // the ledger kept the old rows: so does the disk
    );
  } catch (err) {
    // The move did not happen: the edit that was moved aside goes back where it was.
    if (rescuedTo) restoreRescued(rescuedTo, dst);
    throw err;
  }
  if (rescuedTo) ctx.log.warn({ path: dst, rescuedTo, movedFrom: src }, 'local edit moved aside before a move replaced it');
  if (req.rmdir !== 'keep') pruneEmptyDirs(dirname(src), ws.root, req.rmdir === 'preserveCWD' ? process.cwd() : undefined);
}

function moveUntracked(src: string, dst: string, force: boolean): void {
  const srcSt = lstatOrUndefined(src);
  const dstSt = lstatOrUndefined(dst);
  if (!srcSt) {
    if (dstSt) return; // already moved
    throw new O4Error('NOT_FOUND', `${src} - file does not exist.`, { path: src });
  }
  if (srcSt.isDirectory()) throw new O4Error('IS_DIRECTORY', `cannot move ${src}: it is a directory`, { path: src });
  if (dstSt && !force && !(dstSt.ino === srcSt.ino && dstSt.dev === srcSt.dev)) {
    throw new O4Error('EXISTS', `${dst} - can't overwrite existing file.`, { path: dst });
  }
  renameAcrossDirs(src, dst);
}

/** Renames, creating the target's directories; falls back to copy and delete across filesystems. Returns true if it copied. */
function renameAcrossDirs(src: string, dst: string): boolean {
  try {
    renameSync(src, dst);
    return false;
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') {
      makeParentDirs(dirname(dst));
      try {
        renameSync(src, dst);
        return false;
      } catch (retryErr) {
        if (errnoCode(retryErr) !== 'EXDEV') throw ioError(`move ${src} to`, dst, retryErr);
      }
    } else if (code !== 'EXDEV') {
      throw ioError(`move ${src} to`, dst, err);
    }
  }
  try {
    copyFileSync(src, dst, constants.COPYFILE_FICLONE);
    unlinkSync(src);
  } catch (err) {
    throw ioError(`copy ${src} to`, dst, err);
  }
  return true;
}

function renameQuietly(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    // Left where it is; the next checkFile sees the stat and answers honestly.
  }
}
