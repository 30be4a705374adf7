import { UnmappableCharacter } from './charsets.js';
import { replaceFile, replaceWithSymlink } from './atomic-file.js';
import { clientForm, UnsupportedCharset, type ClientFormOptions, type FileType } from './filetypes.js';

/**
 * What the client's file-type machinery on Linux makes of a revision in a workspace (`print -o`,
 * `sync`, `revert`): the bytes, or for a symlink its target, and how a failed write is worded.
 */
export type ClientContent = { readonly symlink: string } | { readonly bytes: Buffer };

/** `content` is the stored form, keyword-expanded where the caller wants that. */
export function clientContent(ft: FileType, content: Buffer, opts: ClientFormOptions): ClientContent {
  if (ft.base !== 'symlink') return { bytes: clientForm(ft, content, opts) };
  const newline = content.indexOf(0x0a);
  return { symlink: (newline < 0 ? content : content.subarray(0, newline)).toString('utf8') };
}

/** The size the file has on disk (a symlink's size is its target's length). */
export function clientSize(c: ClientContent): number {
  return 'symlink' in c ? Buffer.byteLength(c.symlink) : c.bytes.length;
}

/** Replaces whatever is at `path`; the mode is filtered through the umask, as the client's is. */
export function writeClientContent(path: string, c: ClientContent, mode: number): void {
  if ('symlink' in c) replaceWithSymlink(path, c.symlink);
  else replaceFile(path, c.bytes, mode);
}

/** (exec ? 0777 : 0666), minus the write bits for a read-only file (before the umask). */
export function fileMode(exec: boolean, writable: boolean): number {
  return (exec ? 0o777 : 0o666) & (writable ? 0o777 : ~0o222);
}

/** The client's message for a file it could not write; anything else is a bug of the fake and rethrown. */
export function writeFailure(err: unknown, path: string): string {
  if (err instanceof UnsupportedCharset) return err.message;
  if (err instanceof UnmappableCharacter) return `Translation of file content failed near line ${err.line} file ${path}`;
  if ((err as NodeJS.ErrnoException).code) return `open for write: ${path}: ${systemMessage(err as Error)}`;
  throw err;
}

/** "EACCES: permission denied, open '/x'" → "Permission denied", as strerror words it. */
export function systemMessage(err: Error): string {
  const words = /^\w+: ([^,]+)/.exec(err.message)?.[1] ?? err.message;
  return words.charAt(0).toUpperCase() + words.slice(1);
}
