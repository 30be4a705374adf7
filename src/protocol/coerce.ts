import { z } from 'zod';

/**
 * Tolerant field types (spec §3.3): the P4 client re-types every value, so any key may arrive as an
 * integer, a boolean or a string depending on its content. Each coercer accepts all three forms and
 * yields one canonical type; anything else is left for zod to reject with a clear message.
 */

/** A string field that may have arrived as a number or boolean (e.g. a name made of digits). */
export const text = () =>
  z.preprocess(
    (v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v),
    z.string({ invalid_type_error: 'must be a string' }),
  );

/** A non-empty string field. */
export const nonEmptyText = () =>
  z.preprocess(
    (v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v),
    z.string({ invalid_type_error: 'must be a string' }).min(1, 'must not be empty'),
  );

const INTEGER_TEXT = /^\s*[+-]?\d+$/;

/** An integer field that may have arrived as a decimal string (e.g. "007" stays a string on the wire). */
export const integer = () =>
  z.preprocess(
    (v) => (typeof v === 'string' && INTEGER_TEXT.test(v) ? Number(v) : v),
    z.number({ invalid_type_error: 'must be an integer' }).int('must be an integer').safe('is out of range'),
  );

/** Truthiness of a flag: true, a non-zero number, or a string other than "", "0" and "false". */
export function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v !== '' && v !== '0' && v !== 'false';
  return false;
}

export const flag = () =>
  z.preprocess(
    (v) => (v === undefined || v === null ? false : typeof v === 'object' ? v : truthy(v)),
    z.boolean({ invalid_type_error: 'must be a boolean, number or string' }),
  );

const HEX_DIGEST = /^[0-9a-fA-F]{32}$/;

/**
 * A server digest. Hex digests are compared case-insensitively (upper-cased); an all-decimal digest
 * mangled into an integer by the client is kept as its raw token, which is deterministic, so `add`
 * and a later `checkFile` for the same revision still compare equal.
 */
export function normalizeDigest(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : HEX_DIGEST.test(v) ? v.toUpperCase() : v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

export const digest = () =>
  z.preprocess(
    (v) => (v === undefined || v === null ? undefined : (normalizeDigest(v) ?? v)),
    z.string({ invalid_type_error: 'must be a digest string' }).optional(),
  );

/** `rmdir` on delete may be a flag or the string "preserveCWD" (also protect the current directory). */
export const rmdirMode = () =>
  z.preprocess(
    (v) => (v === 'preserveCWD' ? 'preserveCWD' : truthy(v) ? 'prune' : 'keep'),
    z.enum(['keep', 'prune', 'preserveCWD']),
  );
