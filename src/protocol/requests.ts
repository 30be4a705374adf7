import { z } from 'zod';
import { O4Error } from '../errors.js';
import { coerce, digest, flag, integer, nonEmptyText, optional, rmdirMode, text, type Field, type Kind } from './coerce.js';

/**
 * The request of each altsync command. Only the keys the agent uses are declared; unknown keys are
 * dropped (the client "might or might not include additional keys").
 */
export interface RequestSchema<T> {
  readonly command: string;
  /** Normalises the wire types, then validates with zod; throws BAD_REQUEST naming the key. */
  parse(raw: Readonly<Record<string, unknown>>): T;
}

function requestSchema<S extends Record<string, Field>>(
  command: string,
  fields: S,
): RequestSchema<z.infer<z.ZodObject<{ [K in keyof S]: S[K]['schema'] }>>> {
  const kinds: Array<[string, Kind, boolean]> = Object.entries(fields).map(([key, f]) => [key, f.kind, f.kind === 'flag' || f.kind === 'rmdir']);
  const shape = Object.fromEntries(Object.entries(fields).map(([key, f]) => [key, f.schema])) as { [K in keyof S]: S[K]['schema'] };
  const schema = z.object(shape);
  return {
    command,
    parse(raw) {
      const normalised: Record<string, unknown> = {};
      for (const [key, kind, defaulted] of kinds) {
        const v = raw[key];
        if (v !== undefined || defaulted) normalised[key] = coerce(kind, v);
      }
      const result = schema.safeParse(normalised);
      if (result.success) return result.data;
      throw new O4Error('BAD_REQUEST', `${command}: ${describeIssues(result.error)}`, { command });
    },
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.join('.');
      if (issue.code === 'invalid_type' && issue.received === 'undefined') return `missing "${key}"`;
      return key ? `"${key}" ${issue.message}` : issue.message;
    })
    .join('; ');
}

const identity = {
  /** Always sent by the client; a hand-written request without it means the empty port. */
  port: optional(text()),
  client: nonEmptyText(),
  user: optional(text()),
};

const revisionKeys = {
  path: nonEmptyText(),
  clientFile: optional(text()),
  depotFile: nonEmptyText(),
  rev: integer(),
  digest: digest(),
  fileSize: optional(integer()),
  writable: flag(),
  executable: flag(),
  fileType: optional(text()),
  /** The client's type code (spec §8.5), the fallback when `fileType` is absent. */
  type: optional(text()),
  keywords: flag(),
  lineEnd: optional(text()),
  utf8bom: optional(integer()),
  charset: optional(text()),
};

export const checkRequest = requestSchema('check', { ...identity, clientRoot: nonEmptyText() });
export const addRequest = requestSchema('add', { ...identity, ...revisionKeys, noclobber: flag() });
export const addedRequest = requestSchema('added', { ...identity, ...revisionKeys });
export const checkFileRequest = requestSchema('checkFile', {
  ...identity,
  path: nonEmptyText(),
  digest: digest(),
});
export const deleteRequest = requestSchema('delete', { ...identity, path: nonEmptyText(), noclobber: flag(), rmdir: rmdirMode() });
export const moveRequest = requestSchema('move', { ...identity, path: nonEmptyText(), path2: nonEmptyText(), rmdir: rmdirMode(), force: flag() });
// Only the keys a handler uses are validated: the others (depotFile, rev, time, ...) may come in
// any form and are ignored (spec §3.1, §3.3).
export const chmodRequest = requestSchema('chmod', {
  ...identity,
  path: nonEmptyText(),
  clientFile: optional(text()),
  writable: flag(),
  executable: flag(),
  /** The pass-through handler's spelling: "rw" means writable. */
  perms: optional(text()),
});

type Parsed<S> = S extends RequestSchema<infer T> ? T : never;
export type CheckRequest = Parsed<typeof checkRequest>;
export type AddRequest = Parsed<typeof addRequest>;
export type AddedRequest = Parsed<typeof addedRequest>;
export type CheckFileRequest = Parsed<typeof checkFileRequest>;
export type DeleteRequest = Parsed<typeof deleteRequest>;
export type MoveRequest = Parsed<typeof moveRequest>;
export type ChmodRequest = Parsed<typeof chmodRequest>;
