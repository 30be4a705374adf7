import { O4Error } from '../errors.js';
import { inferRoot, joinRoot, relativeToRoot } from '../fs/workspace-path.js';
import type { Ledger, Workspace } from '../store/ledger.js';
import type { Log } from '../log/logger.js';

export interface Located {
  readonly ws: Workspace;
  readonly rel: string;
  readonly abs: string;
}

export interface Identity {
  readonly port?: string | undefined;
  readonly client: string;
  readonly user?: string | undefined;
}

/**
 * Finds the workspace of a request — by (port, client), never by process, since one agent may serve
 * several workspaces and a re-spawned agent never sees `check` — and the file's place in it.
 * Workspace rows are cached for the life of the process; a path outside the cached root re-reads
 * the ledger once, so a root changed by another process is picked up.
 */
export class WorkspaceDirectory {
  private readonly cache = new Map<string, Workspace>();

  constructor(
    private readonly ledger: Ledger,
    private readonly log: Log,
  ) {}

  adopt(id: Identity, root: string): Workspace {
    const existing = this.lookup(id, true);
    const ws = this.ledger.saveWorkspace({
      port: id.port ?? '',
      client: id.client,
      root,
      user: id.user ?? null,
      rootSource: 'check',
      markers: existing?.markers ?? true,
    });
    if (existing && existing.root !== root)
      this.log.warn({ client: id.client, port: id.port, from: existing.root, to: root }, 'workspace root changed');
    this.cache.set(key(id), ws);
    return ws;
  }

  /** The workspace if the ledger knows it. */
  lookup(id: Identity, fresh = false): Workspace | undefined {
    const k = key(id);
    if (!fresh) {
      const cached = this.cache.get(k);
      if (cached) return cached;
    }
    const ws = this.ledger.workspace(id.port ?? '', id.client);
    if (ws) this.cache.set(k, ws);
    else this.cache.delete(k);
    return ws;
  }

  /**
   * Locates `abs` in the request's workspace. With a client-syntax path, a workspace the ledger does
   * not know yet is created with the root the two paths imply, and a root that moved is followed.
   */
  locate(id: Identity, abs: string, clientFile?: string): Located {
    let ws = this.lookup(id);
    if (ws) {
      const rel = tryRelative(ws.root, abs);
      if (rel !== undefined) return { ws, rel, abs };
      ws = this.lookup(id, true);
      const freshRel = ws && tryRelative(ws.root, abs);
      if (ws && freshRel !== undefined) return { ws, rel: freshRel, abs };
    }
    const implied = clientFile ? inferRoot(clientFile, abs) : undefined;
    if (implied !== undefined) {
      if (ws) this.log.warn({ client: id.client, port: id.port, from: ws.root, to: implied }, 'workspace root follows the client path');
      ws = this.ledger.saveWorkspace({
        port: id.port ?? '',
        client: id.client,
        root: implied,
        user: id.user ?? null,
        rootSource: 'inferred',
        markers: ws?.markers ?? true,
      });
      this.cache.set(key(id), ws);
      return { ws, rel: relativeToRoot(ws.root, abs), abs };
    }
    if (ws) return { ws, rel: relativeToRoot(ws.root, abs), abs }; // throws OUTSIDE_ROOT
    throw new O4Error(
      'UNKNOWN_WORKSPACE',
      `o4-agent has no record of workspace ${id.client} on ${id.port || '(no port)'}, so it cannot place ${abs}; a p4 sync sends "check" and registers it`,
      { client: id.client, port: id.port, path: abs },
    );
  }

  /** locate, or undefined for a workspace the ledger has never seen (it has no placeholders). */
  tryLocate(id: Identity, abs: string, clientFile?: string): Located | undefined {
    try {
      return this.locate(id, abs, clientFile);
    } catch (err) {
      if (err instanceof O4Error && err.code === 'UNKNOWN_WORKSPACE') return undefined;
      throw err;
    }
  }

  /** Records that the workspace's filesystem refused the placeholder marker attribute. */
  markersUnsupported(ws: Workspace): Workspace {
    if (!ws.markers) return ws;
    this.log.warn({ client: ws.client, root: ws.root }, 'filesystem has no user xattrs: placeholders carry no marker attribute');
    const updated = this.ledger.saveWorkspace({ ...ws, markers: false });
    this.cache.set(key(ws), updated);
    return updated;
  }
}

export function absolutePath(ws: Workspace, rel: string): string {
  return joinRoot(ws.root, rel);
}

function key(id: { readonly port?: string | undefined; readonly client: string }): string {
  return `${id.port ?? ''}\0${id.client}`;
}

function tryRelative(root: string, abs: string): string | undefined {
  try {
    return relativeToRoot(root, abs);
  } catch {
    return undefined;
  }
}
