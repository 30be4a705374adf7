import { chmodSync } from 'node:fs';
import { O4Error, ioError } from '../../errors.js';
import { clientFileMode, placeholderFileMode } from '../../fs/modes.js';
import { checkLocalPath } from '../../fs/workspace-path.js';
import type { ChmodRequest } from '../../protocol/requests.js';
import type { AgentContext } from '../context.js';
import { statSignature } from '../../fs/stat-signature.js';
import { inspectLocalFile, placeholderStillEmpty } from '../local-file.js';

/**
 * `chmod`: make a file writable or read-only. A placeholder about to become writable (`p4 edit`) is
 * hydrated first — editors and `p4 submit` read the disk directly — and if that fails the reply is
 * an error and the file stays a read-only placeholder.
 */
export async function handleChmod(ctx: AgentContext, req: ChmodRequest): Promise<void> {
  const abs = checkLocalPath(req.path);
  // A workspace the ledger does not know has no placeholders: a plain chmod, as the client's own.
  const loc = ctx.workspaces.tryLocate(req, abs, req.clientFile);
  const rec = loc && ctx.ledger.file(loc.ws.id, loc.rel);
  let local = inspectLocalFile(abs, rec);
  if (local.kind === 'absent') throw new O4Error('NOT_FOUND', `${abs} - file does not exist.`, { path: abs });
  if (local.kind === 'directory') throw new O4Error('IS_DIRECTORY', `cannot chmod ${abs}: it is a directory`, { path: abs });
  const bits = { writable: req.writable || req.perms === 'rw', executable: req.executable };

  if (loc && local.kind === 'edited' && placeholderStillEmpty(abs, local.st, local.rec)) {
    // Touched but never written: still a placeholder, now with this stat.
    const restat = { ...local.rec, statSig: statSignature(local.st), updatedAt: Date.now() };
    ctx.ledger.write(() => ctx.ledger.putFile(restat));
    local = { kind: 'ours', st: local.st, rec: restat };
  }
  if (loc && local.kind === 'ours' && local.rec.state === 'placeholder') {
    if (bits.writable) {
      await ctx.hydrator.hydrateForEdit(loc.ws, local.rec, bits);
      return;
    }
    // Still a placeholder: remember the bits for hydration; only real-mode placeholders show them now.
    if (ctx.config.placeholders.mode === 'real') setMode(abs, placeholderFileMode('real', bits));
    ctx.ledger.write(() => ctx.ledger.putFile({ ...local.rec, ...bits, updatedAt: Date.now() }));
    return;
  }
  if (!local.st.isSymbolicLink()) setMode(abs, clientFileMode(bits));
  if (rec) ctx.ledger.write(() => ctx.ledger.putFile({ ...rec, ...bits, updatedAt: Date.now() }));
}

function setMode(abs: string, mode: number): void {
  try {
    chmodSync(abs, mode);
  } catch (err) {
    throw ioError('change the mode of', abs, err);
  }
}
