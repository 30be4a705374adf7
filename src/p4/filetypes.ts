/**
 * Perforce file types as the agent needs them: the base type decides how bytes are written on the
 * client, the modifiers +x, +w, +k/+ko and +m affect the client file; the rest (+l, +C, +D, +F,
 * +S, +X) are server-side storage and do not matter here (spec §8.5).
 */
export const BASE_TYPES = ['text', 'binary', 'symlink', 'apple', 'resource', 'unicode', 'utf8', 'utf16'] as const;
export type BaseType = (typeof BASE_TYPES)[number];

export interface FileType {
  readonly base: BaseType;
  /** Keyword expansion: all keywords (+k), only $Id$ and $Header$ (+ko), or none. */
  readonly keywords: 'none' | 'all' | 'ko';
  readonly executable: boolean;
  readonly alwaysWritable: boolean;
  /** +m: the revision's modification time is kept on sync. */
  readonly keepModTime: boolean;
}

/** Legacy type names and what they mean today (P4 file type table). */
const ALIASES: Record<string, string> = {
  ctext: 'text+C',
  cxtext: 'text+Cx',
  ktext: 'text+k',
  kxtext: 'text+kx',
  ltext: 'text+F',
  xltext: 'text+Fx',
  xtext: 'text+x',
  ubinary: 'binary+F',
  uxbinary: 'binary+Fx',
  xbinary: 'binary+x',
  tempobj: 'binary+Sw',
  xtempobj: 'binary+Swx',
  uresource: 'resource+F',
  xunicode: 'unicode+x',
  xutf16: 'utf16+x',
  xutf8: 'utf8+x',
};

/** Parses a type such as `text`, `binary+lx`, `ktext`, `utf8+ko`; unknown base types count as binary. */
export function parseFileType(spec: string): FileType {
  const expanded = ALIASES[spec] ?? spec;
  const plus = expanded.indexOf('+');
  const baseName = plus < 0 ? expanded : expanded.slice(0, plus);
  const mods = plus < 0 ? '' : expanded.slice(plus + 1);
  const base = (BASE_TYPES as readonly string[]).includes(baseName) ? (baseName as BaseType) : 'binary';
  let keywords: FileType['keywords'] = 'none';
  let executable = false;
  let alwaysWritable = false;
  let keepModTime = false;
  for (let i = 0; i < mods.length; i++) {
    const c = mods[i];
    if (c === 'k') {
      if (mods[i + 1] === 'o') {
        keywords = 'ko';
        i++;
      } else keywords = 'all';
    } else if (c === 'x') executable = true;
    else if (c === 'w') alwaysWritable = true;
    else if (c === 'm') keepModTime = true;
    else if (c === 'S') while (i + 1 < mods.length && /\d/.test(mods[i + 1]!)) i++;
  }
  return { base, keywords, executable, alwaysWritable, keepModTime };
}

/**
 * The client type code of the RPC variable `type` (spec §8.5): first character the base type, in
 * "hex-like" digits whose letters run past F. Used when an add carries no `fileType`.
 */
const CODE_BASES: Record<string, { base: BaseType; executable: boolean }> = {
  '0': { base: 'text', executable: false },
  '1': { base: 'binary', executable: false },
  '2': { base: 'text', executable: true },
  '3': { base: 'binary', executable: true },
  '4': { base: 'symlink', executable: false },
  '5': { base: 'resource', executable: false },
  '8': { base: 'unicode', executable: false },
  '9': { base: 'text', executable: false }, // rtext: binary handled as text
  A: { base: 'unicode', executable: true },
  B: { base: 'text', executable: true },
  C: { base: 'apple', executable: false },
  D: { base: 'apple', executable: false },
  E: { base: 'apple', executable: true },
  F: { base: 'apple', executable: true },
  K: { base: 'utf8', executable: false },
  M: { base: 'utf8', executable: true },
  O: { base: 'utf16', executable: false },
  Q: { base: 'utf16', executable: true },
};

export function fileTypeFromCode(code: string): FileType {
  const entry = CODE_BASES[code.charAt(0)] ?? { base: 'binary' as const, executable: false };
  return { base: entry.base, keywords: 'none', executable: entry.executable, alwaysWritable: false, keepModTime: false };
}

/** The file type of a ledger row: its fileType, else its client type code, else text. */
export function fileTypeOf(rec: { fileType: string | null; typeCode: string | null }): FileType {
  if (rec.fileType) return parseFileType(rec.fileType);
  if (rec.typeCode) return fileTypeFromCode(rec.typeCode);
  return parseFileType('text');
}
