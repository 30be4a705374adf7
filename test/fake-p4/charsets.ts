/**
 * P4CHARSET names and numeric codes (i18napi.cc order) and encoders from UTF-8 text into a client
 * charset, for `print -o` of `unicode` (and `utf16`) files. Multi-byte East Asian and DOS code
 * pages have no encoder here: asking for them is reported as unsupported rather than faked.
 */
// prettier-ignore
const NAMES = [
  'none', 'utf8', 'iso8859-1', 'utf16-nobom', 'shiftjis', 'eucjp', 'winansi', 'winoem', 'macosroman',
  'iso8859-15', 'iso8859-5', 'koi8-r', 'cp1251', 'utf16le', 'utf16be', 'utf16le-bom', 'utf16be-bom', 'utf16',
  'utf8-bom', 'utf32-nobom', 'utf32le', 'utf32be', 'utf32le-bom', 'utf32be-bom', 'utf32', 'utf8unchecked',
  'utf8unchecked-bom', 'cp949', 'cp936', 'cp950', 'cp850', 'cp858', 'cp1253', 'cp737', 'iso8859-7', 'cp1250',
  'cp852', 'iso8859-2',
];

/** Single-byte charsets whose tables the WHATWG decoders in Node already carry. */
// prettier-ignore
const SINGLE_BYTE_LABELS: Record<string, string> = {
  winansi: 'windows-1252', 'iso8859-15': 'iso-8859-15', 'iso8859-5': 'iso-8859-5', 'koi8-r': 'koi8-r',
  cp1251: 'windows-1251', macosroman: 'macintosh', cp1253: 'windows-1253', 'iso8859-7': 'iso-8859-7',
  cp1250: 'windows-1250', 'iso8859-2': 'iso-8859-2',
};

/** A character the target charset cannot represent (the client's "Translation ... failed"). */
export class UnmappableCharacter extends Error {
  constructor(readonly line: number) {
    super(`unmappable character near line ${line}`);
  }
}

export type Encoder = (text: string) => Buffer;

/** `-Q`/`-C`/P4CHARSET value (name or numeric code) → charset name. */
export function charsetName(value: string): string {
  return /^\d+$/.test(value) ? (NAMES[Number(value)] ?? value) : value;
}

/** The numeric code the client sends for its charset (the `charset` RPC variable); `auto` resolves to utf8. */
export function charsetCode(value: string): string {
  if (/^\d+$/.test(value)) return value;
  const code = NAMES.indexOf(value === 'auto' ? 'utf8' : value);
  return code < 0 ? value : String(code);
}

export function encoderFor(name: string): Encoder | undefined {
  const bom = name.endsWith('-bom');
  const bare = bom ? name.slice(0, -4) : name;
  switch (bare) {
    case 'none':
    case 'auto': // the client picks UTF-8 from a UTF-8 locale
    case 'utf8':
    case 'utf8unchecked':
      return (t) => (bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)]) : Buffer.from(t));
    // The plain and -nobom forms use the machine's byte order: little-endian on every Linux p4 runs on.
    case 'utf16':
      return (t) => utf16(t, 'le', true);
    case 'utf16-nobom':
    case 'utf16le':
      return (t) => utf16(t, 'le', bom);
    case 'utf16be':
      return (t) => utf16(t, 'be', bom);
    case 'utf32':
      return (t) => utf32(t, 'le', true);
    case 'utf32-nobom':
    case 'utf32le':
      return (t) => utf32(t, 'le', bom);
    case 'utf32be':
      return (t) => utf32(t, 'be', bom);
    case 'iso8859-1':
      return singleByte(latin1Table());
  }
  const label = SINGLE_BYTE_LABELS[name];
  return label ? singleByte(decoderTable(label)) : undefined;
}

/** Client-charset bytes back to the stored UTF-8 (as the client reads a `unicode` file), BOM dropped. */
export type Decoder = (data: Buffer) => Buffer;

/** The inverse of encoderFor, for the same charsets. */
export function decoderFor(name: string): Decoder | undefined {
  const bare = name.endsWith('-bom') ? name.slice(0, -4) : name;
  switch (bare) {
    case 'none':
    case 'auto':
    case 'utf8':
    case 'utf8unchecked':
      return (d) => (d[0] === 0xef && d[1] === 0xbb && d[2] === 0xbf ? d.subarray(3) : d);
    case 'utf16':
      return (d) => decodeWith(d[0] === 0xfe && d[1] === 0xff ? 'utf-16be' : 'utf-16le', d);
    case 'utf16-nobom':
    case 'utf16le':
      return (d) => decodeWith('utf-16le', d);
    case 'utf16be':
      return (d) => decodeWith('utf-16be', d);
    case 'utf32':
      return (d) => fromUtf32(d, d[0] === 0 && d[1] === 0 && d[2] === 0xfe && d[3] === 0xff ? 'be' : 'le');
    case 'utf32-nobom':
    case 'utf32le':
      return (d) => fromUtf32(d, 'le');
    case 'utf32be':
      return (d) => fromUtf32(d, 'be');
    case 'iso8859-1':
      return (d) => Buffer.from(d.toString('latin1'));
  }
  const label = SINGLE_BYTE_LABELS[name];
  return label ? (d) => decodeWith(label, d) : undefined;
}

/** TextDecoder drops a leading BOM of its own encoding, as the client does. */
function decodeWith(label: string, data: Buffer): Buffer {
  return Buffer.from(new TextDecoder(label).decode(data));
}

function fromUtf32(data: Buffer, order: 'le' | 'be'): Buffer {
  let text = '';
  for (let at = 0; at + 4 <= data.length; at += 4) {
    const cp = order === 'le' ? data.readUInt32LE(at) : data.readUInt32BE(at);
    if (at > 0 || cp !== 0xfeff) text += String.fromCodePoint(cp);
  }
  return Buffer.from(text);
}

function utf16(text: string, order: 'le' | 'be', bom: boolean): Buffer {
  const le = Buffer.from(bom ? `\ufeff${text}` : text, 'utf16le');
  return order === 'le' ? le : le.swap16();
}

function utf32(text: string, order: 'le' | 'be', bom: boolean): Buffer {
  const points = Array.from(bom ? `\ufeff${text}` : text, (ch) => ch.codePointAt(0)!);
  const out = Buffer.alloc(points.length * 4);
  points.forEach((cp, i) => (order === 'le' ? out.writeUInt32LE(cp, i * 4) : out.writeUInt32BE(cp, i * 4)));
  return out;
}

function latin1Table(): Map<number, number> {
  return new Map(Array.from({ length: 256 }, (_, b) => [b, b] as const));
}

function decoderTable(label: string): Map<number, number> {
  const decoder = new TextDecoder(label);
  const table = new Map<number, number>();
  for (let b = 0; b < 256; b++) {
    const ch = decoder.decode(Uint8Array.of(b));
    if (ch !== '\ufffd' && !table.has(ch.codePointAt(0)!)) table.set(ch.codePointAt(0)!, b);
  }
  return table;
}

function singleByte(table: Map<number, number>): Encoder {
  return (text) => {
    const out: number[] = [];
    let line = 1;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      const b = table.get(cp);
      if (b === undefined) throw new UnmappableCharacter(line);
      if (cp === 0x0a) line++;
      out.push(b);
    }
    return Buffer.from(out);
  };
}
