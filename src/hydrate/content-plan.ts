import { charsetName, decoderLabel, isUtf8OrNone, type CharsetName } from '../p4/charsets.js';
import { fileTypeOf, type FileType } from '../p4/filetypes.js';
import type { FileRecord } from '../store/ledger.js';

/**
 * How one revision is fetched, verified and written, from its file type and print flags.
 *
 * Stored form vs client form: `p4 -G print` to stdout delivers a revision in the server's stored
 * form (LF line endings, UTF-8 for utf8/utf16/unicode, no BOM, keywords expanded unless -K), which
 * is exactly what the server digest is the MD5 of (spec §8.3). The agent verifies that, keeps it in
 * the content store, and writes the client form with a small transform per family. Where the
 * transform is not ours to make (utf16, charsets other than UTF-8, apple/resource) it runs
 * `p4 print -o` — the client's own file machinery — and verifies the result by mapping it back.
 */
export interface ContentPlan {
  readonly type: FileType;
  /** `stream`: -G print to stdout (stored form); `print-to-file`: print -o (client form). */
  readonly fetch: 'stream' | 'print-to-file';
  /** `digest`: MD5 of the stored form equals the server digest; `size`: only the length is known
   *  (a keyword file printed with -K, whose digest covers the expanded text); `none`: apple/resource. */
  readonly verify: 'digest' | 'size' | 'none';
  /** Content-store key (the digest): only for content verified by digest. */
  readonly storeKey: string | null;
  /** The agent can make the client form from stored content itself, so local copies can be used. */
  readonly localReuse: boolean;
  /** Print flags for `p4 print`: -K unless keywords are expanded. */
  readonly expandKeywords: boolean;
  readonly symlink: boolean;
  /** The client form is the stored form byte for byte (binary, LF text without BOM): copy, no transform. */
  readonly clientFormIsStored: boolean;
  /** Client form from stored form; null when the bytes are the same. */
  toClient(stored: Buffer): Buffer | null;
  /** Stored form from client form (for verifying a local copy); undefined when it cannot be known. */
  toStored(client: Buffer): Buffer | null | undefined;
  /** Extra `p4 print -o` flags that select the client form. */
  readonly printFlags: readonly string[];
}

type LineEnd = 'lf' | 'crlf' | 'cr';

const IDENTITY = { clientFormIsStored: true, localReuse: true, toClient: () => null, toStored: () => null } as const;

/**
 * Families whose client form p4 itself writes (print -o); the stored form is recovered to verify
 * it. Where Node can also encode the client form (UTF-16, Latin-1), local copies can be reused.
 */
function printedByP4(toStored: (client: Buffer) => Buffer | undefined, toClient?: (stored: Buffer) => Buffer) {
  return {
    fetch: 'print-to-file' as const,
    symlink: false,
    clientFormIsStored: false,
    localReuse: toClient !== undefined,
    toClient:
      toClient ??
      (() => {
        throw new CannotEncode('no encoder for this file type');
      }),
    toStored,
  };
}

/** The agent cannot write this client form itself; the content must come from p4. */
export class CannotEncode extends Error {
  constructor(why: string) {
    super(why);
    this.name = 'CannotEncode';
  }
}

export function planFor(rec: FileRecord): ContentPlan {
  const type = fileTypeOf(rec);
  const lineEnd = lineEndOf(rec.lineEnd);
  const keywordsInFile = type.keywords !== 'none';
  const expandKeywords = keywordsInFile && rec.keywords;
  const digest = rec.digest !== null && /^[0-9A-F]{32}$/.test(rec.digest) ? rec.digest : null;
  const charset = charsetName(rec.charset);
  const base = { type, expandKeywords, printFlags: printFlagsOf(rec, charset) };

  // A keyword file printed with -K is not what the server digest covers: only its size can be checked.
  const verifiedBy = (byDigest: boolean): Pick<ContentPlan, 'verify' | 'storeKey'> =>
    keywordsInFile && !expandKeywords
      ? { verify: 'size', storeKey: null }
      : byDigest && digest
        ? { verify: 'digest', storeKey: digest }
        : { verify: 'none', storeKey: null };

  switch (type.base) {
    case 'binary':
      return { ...base, fetch: 'stream', ...verifiedBy(true), symlink: false, ...IDENTITY };
    case 'symlink':
      return { ...base, fetch: 'stream', ...verifiedBy(true), symlink: true, ...IDENTITY };
    case 'text':
      return { ...base, fetch: 'stream', ...verifiedBy(true), symlink: false, ...textForms(lineEnd, false) };
    case 'utf8':
      return { ...base, fetch: 'stream', ...verifiedBy(true), symlink: false, ...textForms(lineEnd, bomWanted(rec.utf8bom)) };
    case 'unicode':
      if (isUtf8OrNone(charset) || charset === 'utf8-bom' || charset === 'utf8unchecked-bom') {
        const bom = charset === 'utf8-bom' || charset === 'utf8unchecked-bom';
        return { ...base, fetch: 'stream', ...verifiedBy(true), symlink: false, ...textForms(lineEnd, bom) };
      }
      return {
        ...base,
        ...printedByP4((c) => decodeToStored(c, charset!, lineEnd), encoderFor(charset!, lineEnd)),
        ...verifiedBy(decoderLabel(charset!) !== undefined),
      };
    case 'utf16':
      return { ...base, ...printedByP4((c) => decodeToStored(c, 'utf16', lineEnd), encoderFor('utf16', lineEnd)), ...verifiedBy(true) };
    case 'apple':
    case 'resource':
      // AppleSingle cannot practically be re-hashed on Linux: p4 writes it, unverified.
      return { ...base, ...printedByP4(() => undefined), verify: 'none', storeKey: null, localReuse: false };
  }
}

/** lineEnd from the add request; absent, local and share write LF on Linux and macOS. */
function lineEndOf(value: string | null): LineEnd {
  if (value === 'win') return 'crlf';
  if (value === 'mac') return 'cr';
  return 'lf';
}

/** utf8bom: 1 = always, 2 = Windows only, 0 = never; absent = the client default 1. */
function bomWanted(utf8bom: number | null): boolean {
  return utf8bom === null || utf8bom === 1;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function textForms(lineEnd: LineEnd, bom: boolean): Pick<ContentPlan, 'toClient' | 'toStored' | 'clientFormIsStored' | 'localReuse'> {
  return {
    clientFormIsStored: lineEnd === 'lf' && !bom,
    localReuse: true,
    toClient(stored) {
      if (lineEnd === 'lf' && !bom) return null;
      const body = lineEnd === 'lf' ? stored : Buffer.from(convertLineEnds(stored.toString('latin1'), lineEnd), 'latin1');
      return bom ? Buffer.concat([BOM, body]) : body;
    },
    toStored(client) {
      const body = client.subarray(0, 3).equals(BOM) ? client.subarray(3) : client;
      if (lineEnd === 'lf') return body === client ? null : body;
      return Buffer.from(normaliseLineEnds(body.toString('latin1'), lineEnd), 'latin1');
    },
  };
}

// latin1 maps bytes 1:1, so line-end conversion never alters other bytes of any encoding.
function convertLineEnds(text: string, lineEnd: LineEnd): string {
  return lineEnd === 'crlf' ? text.replace(/\n/g, '\r\n') : text.replace(/\n/g, '\r');
}

function normaliseLineEnds(text: string, lineEnd: LineEnd): string {
  return lineEnd === 'crlf' ? text.replace(/\r\n/g, '\n') : text.replace(/\r/g, '\n');
}

/** Client bytes in `charset` back to the stored form (UTF-8, LF); undefined when Node cannot decode it. */
function decodeToStored(client: Buffer, charset: CharsetName | 'utf16', lineEnd: LineEnd): Buffer | undefined {
  const label = charset === 'utf16' ? detectUtf16(client) : decoderLabel(charset);
  if (!label) return undefined;
  let text: string;
  try {
    text = new TextDecoder(label, { fatal: true }).decode(client); // drops a BOM
  } catch {
    return undefined;
  }
  if (lineEnd === 'crlf') text = text.replace(/\r\n/g, '\n');
  else if (lineEnd === 'cr') text = text.replace(/\r/g, '\n');
  return Buffer.from(text, 'utf8');
}

/**
 * Stored UTF-8 to the client charset, for the charsets Node can encode exactly: UTF-16 (the client
 * writes its native order, little-endian on x86-64 and arm64, with a BOM) and ISO-8859-1.
 */
function encoderFor(charset: CharsetName | 'utf16', lineEnd: LineEnd): ((stored: Buffer) => Buffer) | undefined {
  const text = (stored: Buffer) => {
    const s = stored.toString('utf8');
    return lineEnd === 'lf' ? s : convertLineEnds(s, lineEnd);
  };
  const utf16 = (bom: Buffer | null, be: boolean) => (stored: Buffer) => {
    const le = Buffer.from(text(stored), 'utf16le');
    const body = be ? le.swap16() : le;
    return bom ? Buffer.concat([bom, body]) : body;
  };
  switch (charset) {
    case 'utf16':
    case 'utf16le-bom':
      return utf16(Buffer.from([0xff, 0xfe]), false);
    case 'utf16le':
    case 'utf16-nobom':
      return utf16(null, false);
    case 'utf16be-bom':
      return utf16(Buffer.from([0xfe, 0xff]), true);
    case 'utf16be':
      return utf16(null, true);
    case 'iso8859-1':
      return (stored) => {
        const s = text(stored);
        if (/[^\u0000-\u00ff]/.test(s)) throw new CannotEncode('text has characters ISO-8859-1 cannot hold');
        return Buffer.from(s, 'latin1');
      };
    default:
      return undefined;
  }
}

function detectUtf16(client: Buffer): string {
  return client[0] === 0xfe && client[1] === 0xff ? 'utf-16be' : 'utf-16le';
}

function printFlagsOf(rec: FileRecord, charset: CharsetName | undefined): string[] {
  const flags: string[] = [];
  if (rec.lineEnd === 'unix' || rec.lineEnd === 'win' || rec.lineEnd === 'mac') flags.push('-L', rec.lineEnd);
  else if (rec.lineEnd === 'local' || rec.lineEnd === 'share') flags.push('-L', 'unix');
  if (rec.utf8bom !== null) flags.push('-B', String(rec.utf8bom));
  if (charset && charset !== 'none') flags.push('-Q', charset);
  return flags;
}
