import { resolve } from 'node:path';
import { O4Error } from '../errors.js';
import type { Ledger, Workspace } from '../store/ledger.js';

/** The workspace a local path belongs to (the deepest root containing it) and its relative path. */
export function locatePath(ledger: Ledger, cwd: string, path: string): { ws: Workspace; rel: string; abs: string } {
  const abs = resolve(cwd, path);
  let best: Workspace | undefined;
  for (const ws of ledger.workspaces()) {
    const inside = abs === ws.root || abs.startsWith(ws.root === '/' ? '/' : `${ws.root}/`);
    if (inside && (!best || ws.root.length > best.root.length)) best = ws;
  }
  if (!best) throw new O4Error('USAGE', `${abs} is not inside any workspace o4-agent knows (see: o4-agent workspaces)`);
  const rel = abs === best.root ? '' : abs.slice(best.root === '/' ? 1 : best.root.length + 1);
  return { ws: best, rel, abs };
}

/** Workspaces by client name (and port when the name exists on several servers). */
export function findWorkspaces(ledger: Ledger, client: string, port?: string): Workspace[] {
  const found = ledger.workspaces().filter((ws) => ws.client === client && (port === undefined || ws.port === port));
  if (found.length === 0)
    throw new O4Error('UNKNOWN_WORKSPACE', `no workspace named ${client}${port ? ` on ${port}` : ''} (see: o4-agent workspaces)`);
  return found;
}
