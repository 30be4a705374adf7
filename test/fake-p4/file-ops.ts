import { chmodSync, lstatSync, rmdirSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AltsyncSession } from './altsync-session.js';
import { charsetCode, charsetName, UnmappableCharacter } from './charsets.js';
import { clientContent, clientSize, fileMode, systemMessage, writeClientContent, writeFailure } from './client-file.js';
import { E_FAILED, EV_CLIENT } from './client-user.js';
import type { CommandContext } from './commands/command.js';
import type { RevisionInfo } from './depot.js';
import { parseFileType, UnsupportedCharset, type ClientFormOptions, type FileType } from './filetypes.js';
import { expandKeywords } from './keywords.js';
import type { Workspace } from './workspace.js';

/**
 * What the client does to a workspace file when the server sends it one: write a revision, delete
 * a file, make a file writable. On an altsync workspace each is a request to the agent carrying the
 * RPC variables a 2023.1+ server sends (all strings; the client re-types them, spec §3.3); otherwise
 * the fake writes the file itself as the client's file-type machinery does. Each returns whether it
 * succeeded, after printing the client's error if not.
 */
export type Route = AltsyncSession | 'local';

export interface WorkspaceFile {
  readonly depotFile: string;
  readonly clientFile: string;
}

/** `add` (spec §6.2), or a real file. `clobber`: sync -f and revert replace a writable file too. */
export async function installRevision(
  ctx: CommandContext,
  ws: Workspace,
  route: Route,
  file: WorkspaceFile,
  rev: RevisionInfo,
  clobber: boolean,
): Promise<boolean> {
  const noclobber = !clobber && !ws.has('clobber');
  const path = ws.localPath(file.clientFile);
  const ft = parseFileType(rev.type);
  if (route === 'local') return writeRevision(ctx, ws, path, rev, ft, noclobber);
  return route.perform('add', {
    path,
    clientFile: file.clientFile,
    depotFile: file.depotFile,
    rev: String(rev.rev),
    ...(rev.digest !== null && { digest: rev.digest }),
    fileSize: String(placeholderSize(ctx, ws, rev, ft)),
    fileType: rev.type,
    writable: String(writableOnSync(ws, ft)),
    executable: String(ft.exec),
    noclobber: String(noclobber),
    // Keyword expansion of placeholders is not offered: the agent hydrates +k files unexpanded (-K).
    keywords: '0',
    lineEnd: ws.spec.lineEnd,
    utf8bom: '1',
    ...(ctx.depot.unicode && { charset: charsetCode(ctx.options.charset ?? 'utf8') }),
  });
}

/** `delete` (spec §6.5); on `pass`, or without altsync, the client's own delete. */
export async function removeFile(ctx: CommandContext, ws: Workspace, route: Route, path: string): Promise<boolean> {
  const local = () => deleteFile(ctx, ws, path);
  if (route === 'local') return local();
  return route.perform('delete', { path, ...(ws.has('rmdir') && { rmdir: 'true' }) }, local);
}

/** `chmod` to writable for `p4 edit` (spec §6.7); on `pass`, or without altsync, client-ChmodFile. */
export async function makeWritable(ctx: CommandContext, ws: Workspace, route: Route, file: WorkspaceFile, rev: RevisionInfo): Promise<boolean> {
  const path = ws.localPath(file.clientFile);
  const ft = parseFileType(rev.type);
  const local = () => chmodWritable(ctx, path, ft);
  if (route === 'local') return local();
  const vars = { path, clientFile: file.clientFile, depotFile: file.depotFile, rev: String(rev.rev), writable: 'true', executable: String(ft.exec) };
  return route.perform('chmod', vars, local);
}

/** The bytes sync writes for this workspace: its LineEnd, filesys.utf8bom=1, the client charset. */
export function formOptions(ctx: CommandContext, ws: Workspace): ClientFormOptions {
  return { lineEnd: ws.spec.lineEnd, utf8bom: 1, charset: charsetName(ctx.options.charset ?? 'utf8') };
}

function writableOnSync(ws: Workspace, ft: FileType): boolean {
  return ws.has('allwrite') || ft.writable;
}

/** The size of the file the agent will produce (unexpanded, as keywords=0 asks); the stored size where the charset cannot encode it. */
function placeholderSize(ctx: CommandContext, ws: Workspace, rev: RevisionInfo, ft: FileType): number {
  try {
    return clientSize(clientContent(ft, rev.storedContent(), formOptions(ctx, ws)));
  } catch (err) {
    if (err instanceof UnsupportedCharset || err instanceof UnmappableCharacter) return rev.fileSize;
    throw err;
  }
}

function writeRevision(ctx: CommandContext, ws: Workspace, path: string, rev: RevisionInfo, ft: FileType, noclobber: boolean): boolean {
  try {
    if (noclobber && isWritableFile(path)) return fail(ctx, `Can't clobber writable file ${path}`);
    const content = ft.keywords ? expandKeywords(rev.storedContent(), ft.keywords, rev) : rev.storedContent();
    writeClientContent(path, clientContent(ft, content, formOptions(ctx, ws)), fileMode(ft.exec, writableOnSync(ws, ft)));
    return true;
  } catch (err) {
    return fail(ctx, writeFailure(err, path));
  }
}

/** client-DeleteFile: a directory is left alone, a missing file is fine; with rmdir, empty parents go up to the root. */
function deleteFile(ctx: CommandContext, ws: Workspace, path: string): boolean {
  try {
    if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) return true;
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return fail(ctx, `unlink: ${path}: ${systemMessage(err as Error)}`);
  }
  if (ws.has('rmdir')) pruneEmptyDirs(dirname(path), ws.root);
  return true;
}

function pruneEmptyDirs(dir: string, root: string): void {
  for (let d = dir; d.startsWith(`${root}/`); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty (or not ours to remove): stop, as the client does
    }
  }
}

/** client-ChmodFile perms=rw: (exec ? 0777 : 0666) & ~umask; symlinks untouched; a missing file is left missing. */
function chmodWritable(ctx: CommandContext, path: string, ft: FileType): boolean {
  try {
    if (lstatSync(path).isSymbolicLink()) return true;
    chmodSync(path, fileMode(ft.exec, true) & ~process.umask());
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    return fail(ctx, `chmod: ${path}: ${systemMessage(err as Error)}`);
  }
}

function isWritableFile(path: string): boolean {
  const st = lstatSync(path, { throwIfNoEntry: false });
  return st !== undefined && st.isFile() && (st.mode & 0o222) !== 0;
}

function fail(ctx: CommandContext, text: string): false {
  ctx.ui.message({ text, severity: E_FAILED, generic: EV_CLIENT });
  return false;
}
