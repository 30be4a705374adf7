import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { decoderFor } from './charsets.js';
import { UnsupportedCharset, type FileType, type LineEnd } from './filetypes.js';

/**
 * The digest the client computes of a workspace file to compare it with a revision's (spec §8.3):
 * the file read back through its type into the stored form — line ends folded to LF, a utf8 BOM
 * dropped, utf16 and unicode decoded to UTF-8, a symlink as its target plus a newline — then
 * hashed like the server's digest. Throws the file system's error for an unreadable file.
 */
export function localDigest(path: string, ft: FileType, lineEnd: LineEnd, charset: string): string {
  return createHash('md5')
    .update(storedFormOf(path, ft, lineEnd, charset))
    .digest('hex')
    .toUpperCase();
}

function storedFormOf(path: string, ft: FileType, lineEnd: LineEnd, charset: string): Buffer {
  if (ft.base === 'symlink') return Buffer.from(`${readlinkSync(path)}\n`);
  const data = readFileSync(path);
  switch (ft.base) {
    case 'text':
      return toLF(data, lineEnd);
    case 'utf8':
      return toLF(decoderFor('utf8')!(data), lineEnd);
    case 'utf16':
      return toLF(decoderFor('utf16')!(data), lineEnd);
    case 'unicode': {
      const decode = decoderFor(charset);
      if (!decode) throw new UnsupportedCharset(charset);
      return toLF(decode(data), lineEnd);
    }
    default:
      return data;
  }
}

/** Undoes the line ends the client wrote: CRLF for win, CR for mac; `share` accepts either on read. */
function toLF(data: Buffer, lineEnd: LineEnd): Buffer {
  if (lineEnd === 'local' || lineEnd === 'unix' || !data.includes(0x0d)) return data;
  const text = data.toString('latin1');
  const folded =
    lineEnd === 'win'
      ? text.replaceAll('\r\n', '\n')
      : lineEnd === 'mac'
        ? text.replaceAll('\r', '\n')
        : text.replaceAll('\r\n', '\n').replaceAll('\r', '\n');
  return Buffer.from(folded, 'latin1');
}
