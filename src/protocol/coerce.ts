import { z } from 'zod';

/**
 * Tolerant field types (spec §3.3): the P4 client re-types every value, so any key may arrive as an
 * integer, a boolean or a string depending on its content. Each field is declared once, as a
 * coercion kind plus the zod type it must have afterwards: one cheap pass normalises the wire
 * types, then plain zod validates. (zod's own preprocess per field cost ~30 µs a request, eight
 * times this; docs/benchmarks.md.)
 */
export type Kind = 'text' | 'integer' | 'flag' | 'digest' | 'rmdir';

export interface Field<T extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly kind: Kind;
  readonly schema: T;
}

const field = <T extends z.ZodTypeAny>(kind: Kind, schema: T): Field<T> => ({ kind, schema });

/** A string field that may have arrived as a number or boolean (e.g. a name made of digits). */
export const text = () => field('text', z.string({ invalid_type_error: 'must be a string' }));
export const nonEmptyText = () => field('text', z.string({ invalid_type_error: 'must be a string' }).min(1, 'must not be empty'));
/** An integer field that may have arrived as a decimal string (e.g. "007" stays a string on the wire). */
export const integer = () =>
  field('integer', z.number({ invalid_type_error: 'must be an integer' }).int('must be an integer').safe('is out of range'));
/** A flag with the client's truthiness; absent means false. */
export const flag = () => field('flag', z.boolean({ invalid_type_error: 'must be a boolean, number or string' }));
export const digest = () => field('digest', z.string({ invalid_type_error: 'must be a digest string' }).optional());
/** `rmdir` on delete may be a flag or the string "preserveCWD" (also protect the current directory). */
export const rmdirMode = () => field('rmdir', z.enum(['keep', 'prune', 'preserveCWD']));

export function optional<T extends z.ZodTypeAny>(f: Field<T>): Field<z.ZodOptional<T>> {
  return field(f.kind, f.schema.optional());
}

/** Truthiness of a flag: true, a non-zero number, or a string other than "", "0" and "false". */
export function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v !== '' && v !== '0' && v !== 'false';
  return false;
}

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

const INTEGER_TEXT = /^\s*[+-]?\d+$/;

/** Brings one wire value to its kind's type; what cannot be brought is passed on for zod to reject. */
export function coerce(kind: Kind, v: unknown): unknown {
  switch (kind) {
    case 'text':
      return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
    case 'integer':
      return typeof v === 'string' && INTEGER_TEXT.test(v) ? Number(v) : v;
    case 'flag':
      return v === undefined || v === null ? false : typeof v === 'object' ? v : truthy(v);
    case 'digest':
      return v === undefined || v === null ? undefined : (normalizeDigest(v) ?? v);
    case 'rmdir':
      return v === 'preserveCWD' ? 'preserveCWD' : truthy(v) ? 'prune' : 'keep';
  }
}
