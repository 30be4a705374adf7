import { resolve } from 'node:path';
import { O4Error } from '../errors.js';
import { joinRoot } from '../fs/workspace-path.js';
import { compilePattern, type PathPattern } from '../p4/wildcards.js';
import type { FileRecord, Ledger, Workspace } from '../store/ledger.js';

/**
 * Turns command-line file arguments into ledger rows. An argument may be a local path (a file, or a
 * directory meaning everything below it), a depot path or client path (`//depot/...`,
 * `//my-ws/src/*.c`), or a local path with wildcards (`src/.../*.py`); the wildcards are Perforce's.
 * Rows come a page at a time, in index order, so a million-file workspace is never held in memory.
 */
export interface Selected {
  readonly ws: Workspace;
  readonly rec: FileRecord;
}

interface Scope {
  readonly ws: Workspace;
  /** Range scan: over relative paths or over depot paths, from this literal prefix. */
  readonly by: 'rel' | 'depot';
  readonly prefix: string;
  /** Tested against the scanned key (rel or depot path); undefined when the prefix says it all. */
  readonly accept: ((rec: FileRecord) => boolean) | undefined;
}

const PAGE = 2000;

export class Selection {
  private constructor(
    private readonly ledger: Ledger,
    private readonly scopes: readonly Scope[],
  ) {}

  /** Resolves arguments against the workspaces the ledger knows; throws USAGE for one that matches no workspace. */
  static resolve(ledger: Ledger, args: readonly string[], cwd: string, workspaces = ledger.workspaces()): Selection {
    if (workspaces.length === 0) throw new O4Error('USAGE', 'o4-agent knows no workspace yet: run p4 sync in an altsync workspace first');
    const scopes = args.flatMap((arg) => scopesFor(arg, cwd, workspaces));
    return new Selection(ledger, scopes);
  }

  /** Every matching row, a page at a time; a row matched by several arguments comes once. */
  *pages(filter: (rec: FileRecord) => boolean = () => true): Generator<Selected[]> {
    const seen = this.scopes.length > 1 ? new Set<string>() : undefined;
    for (const scope of this.scopes) {
      let after: string | null = null;
      for (;;) {
        const rows: FileRecord[] =
          scope.by === 'rel'
            ? this.ledger.filesByRelPrefix(scope.ws.id, scope.prefix, after, PAGE)
            : this.ledger.filesByDepotPrefix(scope.ws.id, scope.prefix, after, PAGE);
        if (rows.length === 0) break;
        after = scope.by === 'rel' ? rows[rows.length - 1]!.rel : rows[rows.length - 1]!.depotFile;
        const page: Selected[] = [];
        for (const rec of rows) {
          if (scope.accept && !scope.accept(rec)) continue;
          if (!filter(rec)) continue;
          if (seen) {
            const key = `${rec.workspaceId}\0${rec.rel}`;
            if (seen.has(key)) continue;
            seen.add(key);
          }
          page.push({ ws: scope.ws, rec });
        }
        if (page.length > 0) yield page;
        if (rows.length < PAGE) break;
      }
    }
  }

  count(filter?: (rec: FileRecord) => boolean): number {
    let n = 0;
    for (const page of this.pages(filter)) n += page.length;
    return n;
  }
}

function scopesFor(arg: string, cwd: string, workspaces: readonly Workspace[]): Scope[] {
  if (arg.startsWith('//')) {
    const name = arg.slice(2, arg.indexOf('/', 2) < 0 ? undefined : arg.indexOf('/', 2));
    const clientScoped = workspaces.filter((ws) => ws.client === name);
    if (clientScoped.length > 0) return clientScoped.map((ws) => relScope(ws, compilePattern(arg.slice(name.length + 3))));
    return depotScopes(arg, workspaces);
  }
  const abs = resolve(cwd, arg);
  const pattern = compilePattern(abs);
  const matches = pattern.hasWildcards ? wildcardLocalScopes(pattern, workspaces) : plainLocalScopes(abs, workspaces);
  if (matches.length === 0) throw new O4Error('USAGE', `${arg} is not inside any workspace o4-agent knows (see: o4-agent workspaces)`);
  return matches;
}

function depotScopes(arg: string, workspaces: readonly Workspace[]): Scope[] {
  const pattern = compilePattern(arg);
  return workspaces.map((ws) => ({
    ws,
    by: 'depot' as const,
    prefix: pattern.literalPrefix,
    accept: pattern.hasWildcards ? (rec: FileRecord) => pattern.regex.test(rec.depotFile) : (rec: FileRecord) => rec.depotFile === arg,
  }));
}

function relScope(ws: Workspace, pattern: PathPattern): Scope {
  return { ws, by: 'rel', prefix: pattern.literalPrefix, accept: (rec) => pattern.regex.test(rec.rel) };
}

/** A path without wildcards: the file itself, or everything below it when it names a directory. */
function plainLocalScopes(abs: string, workspaces: readonly Workspace[]): Scope[] {
  const scopes: Scope[] = [];
  for (const ws of workspaces) {
    if (abs === ws.root || ws.root === '/') {
      const rel = ws.root === '/' ? abs.slice(1) : '';
      scopes.push(rel === '' ? { ws, by: 'rel', prefix: '', accept: undefined } : fileOrDir(ws, rel));
    } else if (abs.startsWith(`${ws.root}/`)) {
      scopes.push(fileOrDir(ws, abs.slice(ws.root.length + 1)));
    } else if (ws.root.startsWith(`${abs}/`)) {
      scopes.push({ ws, by: 'rel', prefix: '', accept: undefined }); // a directory above the whole workspace
    }
  }
  return scopes;
}

function fileOrDir(ws: Workspace, rel: string): Scope {
  return { ws, by: 'rel', prefix: rel, accept: (rec) => rec.rel === rel || rec.rel.startsWith(`${rel}/`) };
}

/** A local path with wildcards, e.g. /home/u/ws/src/.../*.c: tried against every workspace it can touch. */
function wildcardLocalScopes(pattern: PathPattern, workspaces: readonly Workspace[]): Scope[] {
  const scopes: Scope[] = [];
  const lit = pattern.literalPrefix;
  for (const ws of workspaces) {
    const rootSlash = ws.root === '/' ? '/' : `${ws.root}/`;
    if (lit.startsWith(rootSlash)) {
      scopes.push({ ws, by: 'rel', prefix: lit.slice(rootSlash.length), accept: (rec) => pattern.regex.test(joinRoot(ws.root, rec.rel)) });
    } else if (rootSlash.startsWith(lit)) {
      scopes.push({ ws, by: 'rel', prefix: '', accept: (rec) => pattern.regex.test(joinRoot(ws.root, rec.rel)) });
    }
  }
  return scopes;
}
