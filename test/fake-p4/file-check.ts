import { systemMessage } from './client-file.js';
import { E_FAILED, EV_CLIENT } from './client-user.js';
import type { CommandContext } from './commands/command.js';
import type { HaveEntry, RevisionInfo } from './depot.js';
import { formOptions, type Route } from './file-ops.js';
import { parseFileType, UnsupportedCharset } from './filetypes.js';
import { localDigest } from './local-digest.js';
import type { Workspace } from './workspace.js';

/**
 * client-CheckFile / client-ReconcileEdit for one file of the have list (diff, reconcile, revert -a):
 * is the workspace file still the have revision? On an altsync workspace the agent is asked first
 * (spec §6.4) and its missing/same/virtual answers are taken without touching the file; anything
 * else makes the client read the file and compare digests.
 */
export type LocalState = 'unchanged' | 'changed' | 'missing' | 'unreadable';

export async function checkHaveFile(ctx: CommandContext, ws: Workspace, route: Route, file: HaveEntry, rev: RevisionInfo): Promise<LocalState> {
  const path = ws.localPath(file.clientFile);
  if (route !== 'local') {
    const vars = { path, clientDepotFile: file.depotFile, clientDepotRev: String(file.rev), ...(rev.digest !== null && { digest: rev.digest }) };
    const answer = await route.checkFile(vars);
    if (answer === 'missing') return 'missing';
    // virtual: the server compares the have revision with clientDepotRev, here the have revision itself.
    if (answer === 'same' || answer === 'virtual') return 'unchanged';
  }
  return compareLocal(ctx, ws, path, rev);
}

function compareLocal(ctx: CommandContext, ws: Workspace, path: string, rev: RevisionInfo): LocalState {
  try {
    const { lineEnd, charset } = formOptions(ctx, ws);
    const digest = localDigest(path, parseFileType(rev.type), lineEnd, charset);
    return digest === rev.digest ? 'unchanged' : 'changed';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    const reason =
      err instanceof UnsupportedCharset
        ? err.message
        : (err as NodeJS.ErrnoException).code
          ? `open for read: ${path}: ${systemMessage(err as Error)}`
          : undefined;
    if (reason === undefined) throw err;
    ctx.ui.message({ text: reason, severity: E_FAILED, generic: EV_CLIENT });
    return 'unreadable';
  }
}
