import { O4Error } from '../errors.js';

/**
 * Decodes one request line. The P4 client turns any all-digit value into a JSON integer, wrapping
 * past 64 bits — an all-decimal MD5 digest arrives as a huge (possibly negative) integer that
 * JSON.parse would round. Integer literals too long to be exact doubles are therefore turned into
 * strings holding their raw token before parsing, so the same token compares equal later.
 */
export type RequestObject = Record<string, unknown>;

const LONG_DIGIT_RUN = /\d{16}/;

export function decodeRequest(text: string): RequestObject {
  let value: unknown;
  try {
    value = JSON.parse(LONG_DIGIT_RUN.test(text) ? quoteLongIntegers(text) : text);
  } catch (err) {
    throw new O4Error('BAD_REQUEST', `malformed JSON request (${(err as Error).message}): ${preview(text)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new O4Error('BAD_REQUEST', `request is not a JSON object: ${preview(text)}`);
  }
  return value as RequestObject;
}

/** Rewrites integer literals of 16 or more digits (outside strings) as JSON strings of the same text. */
export function quoteLongIntegers(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const tokenStart = i;
      i++;
      while (i < n && isNumberChar(text.charCodeAt(i))) i++;
      const token = text.slice(tokenStart, i);
      if (/^-?\d{16,}$/.test(token)) {
        out += text.slice(copiedUpTo, tokenStart) + '"' + token + '"';
        copiedUpTo = i;
      }
      continue;
    }
    i++;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

function preview(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
