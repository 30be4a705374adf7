/**
 * P4CHARSET codes as the client sends them in `charset` (spec §8.4, i18napi.cc), and what a Node
 * TextDecoder calls the same encoding (for verifying files the client wrote in that charset).
 */
const NAMES = [
  'none',
  'utf8',
  'iso8859-1',
  'utf16-nobom',
  'shiftjis',
  'eucjp',
  'winansi',
  'winoem',
  'macosroman',
  'iso8859-15',
  'iso8859-5',
  'koi8-r',
  'cp1251',
  'utf16le',
  'utf16be',
  'utf16le-bom',
  'utf16be-bom',
  'utf16',
  'utf8-bom',
  'utf32-nobom',
  'utf32le',
  'utf32be',
  'utf32le-bom',
  'utf32be-bom',
  'utf32',
  'utf8unchecked',
  'utf8unchecked-bom',
  'cp949',
  'cp936',
  'cp950',
  'cp850',
  'cp858',
  'cp1253',
  'cp737',
  'iso8859-7',
  'cp1250',
  'cp852',
  'iso8859-2',
] as const;

export type CharsetName = (typeof NAMES)[number];

/** The charset name for a `charset` value: a numeric code or already a name; undefined when unknown. */
export function charsetName(value: string | null | undefined): CharsetName | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return NAMES[Number(value)];
  return (NAMES as readonly string[]).includes(value) ? (value as CharsetName) : undefined;
}

/** True when files are exchanged without charset conversion (non-Unicode server, or UTF-8). */
export function isUtf8OrNone(name: CharsetName | undefined): boolean {
  return name === undefined || name === 'none' || name === 'utf8' || name === 'utf8unchecked';
}

/** The WHATWG encoding label for decoding bytes written in this charset, where Node has one. */
const DECODER_LABELS: Partial<Record<CharsetName, string>> = {
  utf8: 'utf-8',
  'utf8-bom': 'utf-8',
  utf8unchecked: 'utf-8',
  'utf8unchecked-bom': 'utf-8',
  'iso8859-1': 'iso-8859-1',
  'iso8859-2': 'iso-8859-2',
  'iso8859-5': 'iso-8859-5',
  'iso8859-7': 'iso-8859-7',
  'iso8859-15': 'iso-8859-15',
  shiftjis: 'shift_jis',
  eucjp: 'euc-jp',
  winansi: 'windows-1252',
  'koi8-r': 'koi8-r',
  cp1251: 'windows-1251',
  cp1250: 'windows-1250',
  cp1253: 'windows-1253',
  cp949: 'euc-kr',
  cp936: 'gbk',
  cp950: 'big5',
  macosroman: 'macintosh',
  utf16le: 'utf-16le',
  'utf16le-bom': 'utf-16le',
  utf16be: 'utf-16be',
  'utf16be-bom': 'utf-16be',
  utf16: 'utf-16le',
  'utf16-nobom': 'utf-16le',
};

export function decoderLabel(name: CharsetName): string | undefined {
  return DECODER_LABELS[name];
}
