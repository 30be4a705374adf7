import { chmodSync } from 'node:fs';
import { O4Error, ioError } from '../../errors.js';
import { clientFileMode, placeholderFileMode } from '../../fs/modes.js';
import { checkLocalPath } from '../../fs/workspace-path.js';
import type { ChmodRequest } from '../../protocol/requests.js';
import type { AgentContext } from '../context.js';
import { inspectLocalFile } from '../local-file.js';

/**
 * `chmod`: make a file writable or read-only. A placeholder about to become writable (`p4 edit`) is
 * hydrated first — editors and `p4 submit` read the disk directly — and if that fails the reply is
 * an error and the file stays a read-only placeholder.
 */
export async function handleChmod(ctx: AgentContext, req: ChmodRequest): Promise<void> {
  const abs = checkLocalPath(req.path);
  const loc = ctx.workspaces.locate(req, abs);
  const rec = ctx.ledger.file(loc.ws.id, loc.rel);
  const local = inspectLocalFile(abs, rec);
  if (local.kind === 'absent') throw new O4Error('NOT_FOUND', `${abs} - file does not exist.`, { path: abs });
  if (local.kind === 'directory') throw new O4Error('IS_DIRECTORY', `cannot chmod ${abs}: it is a directory`, { path: abs });
  const bits = { writable: req.writable || req.perms === 'rw', executable: req.executable };

  if (local.kind === 'ours' && local.rec.state === 'placeholder') {
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
