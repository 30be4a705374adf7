import { encoderFor } from './charsets.js';

/**
 * Perforce file types: what the server stores for a submitted revision and what the client's
 * file-type machinery on Linux writes for it (`print -o`, later `sync`). Type strings are kept as
 * given; this module only interprets them.
 */
export type BaseType = 'text' | 'binary' | 'symlink' | 'apple' | 'resource' | 'unicode' | 'utf8' | 'utf16';

export interface FileType {
  readonly base: BaseType;
  readonly exec: boolean;
  /** +w: the client leaves the file writable on sync. */
  readonly writable: boolean;
  /** +k expands every keyword, +ko only $Id$ and $Header$; only text-like bases expand. */
  readonly keywords: 'all' | 'ko' | undefined;
}

const BASES = new Set<string>(['text', 'binary', 'symlink', 'apple', 'resource', 'unicode', 'utf8', 'utf16']);

/** Legacy names (`p4 help filetypes`) for a base type plus modifiers. */
// prettier-ignore
const ALIASES: Record<string, string> = {
  ctext: 'text+C', cxtext: 'text+Cx', ktext: 'text+k', kxtext: 'text+kx', ltext: 'text+F', xltext: 'text+Fx',
  xtext: 'text+x', ubinary: 'binary+F', uxbinary: 'binary+Fx', xbinary: 'binary+x', tempobj: 'binary+Sw',
  xtempobj: 'binary+Swx', uresource: 'resource+F', xunicode: 'unicode+x',
};

const MODIFIER = /^(?:ko|k|x|w|l|m|C|D|F|S\d*|X)/;

/** Bases whose content is line-oriented text (stored with LF, written with the client's line ends). */
const LINE_TEXT = new Set<BaseType>(['text', 'unicode', 'utf8', 'utf16']);

export function parseFileType(type: string): FileType {
  const [base, modifiers = '', ...extra] = (ALIASES[type] ?? type).split('+');
  if (!base || !BASES.has(base) || extra.length > 0) throw new Error(`unknown file type '${type}'`);
  let exec = false;
  let writable = false;
  let keywords: FileType['keywords'];
  for (let rest = modifiers; rest;) {
    const m = MODIFIER.exec(rest);
    if (!m) throw new Error(`unknown file type modifier in '${type}'`);
    if (m[0] === 'x') exec = true;
    else if (m[0] === 'w') writable = true;
    else if (m[0] === 'k') keywords = 'all';
    else if (m[0] === 'ko') keywords = 'ko';
    rest = rest.slice(m[0].length);
  }
  return { base: base as BaseType, exec, writable, keywords: LINE_TEXT.has(base as BaseType) ? keywords : undefined };
}

/** Content goes out as `binary` records for these, `text` records for the rest. */
export function sentAsBinary(ft: FileType): boolean {
  return ft.base === 'binary' || ft.base === 'apple' || ft.base === 'resource';
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The server's stored form of a submitted revision: text as submitted (LF), utf8/utf16/unicode as
 * UTF-8 (utf8 without BOM), a symlink as its target plus a newline, everything else raw.
 */
export function storedForm(ft: FileType, content: string | Buffer | undefined, symlinkTarget: string | undefined): Buffer {
  if (ft.base === 'symlink') {
    const target =
      symlinkTarget ??
      Buffer.from(content ?? '')
        .toString('utf8')
        .split('\n')[0]!;
    return Buffer.from(`${target}\n`);
  }
  const bytes = Buffer.from(content ?? '');
  return ft.base === 'utf8' && bytes.subarray(0, 3).equals(BOM) ? bytes.subarray(3) : bytes;
}

export type LineEnd = 'local' | 'unix' | 'mac' | 'win' | 'share';

export interface ClientFormOptions {
  readonly lineEnd: LineEnd;
  /** filesys.utf8bom: 0 never, 1 always, 2 Windows only (so never on Linux). */
  readonly utf8bom: number;
  /** Charset name for `unicode` files. */
  readonly charset: string;
}

export class UnsupportedCharset extends Error {
  constructor(readonly charset: string) {
    super(`Unsupported character set '${charset}' (fake p4).`);
  }
}

/**
 * What the client writes to disk for a (keyword-expanded) stored form, symlinks aside: line ends
 * translated for text bases, then a BOM for utf8, UTF-16LE with BOM for utf16, the client charset
 * for unicode. Throws UnsupportedCharset, or UnmappableCharacter from the encoder.
 */
export function clientForm(ft: FileType, stored: Buffer, opts: ClientFormOptions): Buffer {
  if (!LINE_TEXT.has(ft.base)) return stored;
  const text = withLineEnds(stored, opts.lineEnd);
  switch (ft.base) {
    case 'utf8':
      return opts.utf8bom === 1 ? Buffer.concat([BOM, text]) : text;
    case 'utf16':
      return encoderFor('utf16')!(text.toString('utf8'));
    case 'unicode': {
      const encode = encoderFor(opts.charset);
      if (!encode) throw new UnsupportedCharset(opts.charset);
      return encode(text.toString('utf8'));
    }
    default:
      return text;
  }
}

function withLineEnds(lf: Buffer, lineEnd: LineEnd): Buffer {
  if (lineEnd === 'mac') {
    const cr = Buffer.from(lf);
    for (let i = cr.indexOf(0x0a); i >= 0; i = cr.indexOf(0x0a, i + 1)) cr[i] = 0x0d;
    return cr;
  }
  if (lineEnd !== 'win') return lf;
  const text = lf.toString('latin1');
  return text.includes('\n') ? Buffer.from(text.replaceAll('\n', '\r\n'), 'latin1') : lf;
}
