import { z } from 'zod';
import { O4Error } from '../errors.js';
import { digest, flag, integer, nonEmptyText, rmdirMode, text } from './coerce.js';

/**
 * The request of each altsync command as zod schemas. Only the keys the agent uses are declared;
 * unknown keys are dropped (the client "might or might not include additional keys").
 */
const identity = {
  port: text().default(''),
  client: nonEmptyText(),
  user: text().optional(),
};

const hydrationKeys = {
  path: nonEmptyText(),
  clientFile: text().optional(),
  depotFile: nonEmptyText(),
  rev: integer(),
  digest: digest(),
  fileSize: integer().optional(),
  writable: flag(),
  executable: flag(),
  fileType: text().optional(),
  /** The client's type code (spec §8.5), the fallback when `fileType` is absent. */
  type: text().optional(),
  keywords: flag(),
  lineEnd: text().optional(),
  utf8bom: integer().optional(),
  charset: text().optional(),
};

export const checkRequest = z.object({ ...identity, clientRoot: nonEmptyText() });
export const addRequest = z.object({ ...identity, ...hydrationKeys, noclobber: flag() });
export const addedRequest = z.object({ ...identity, ...hydrationKeys });
export const checkFileRequest = z.object({
  ...identity,
  path: nonEmptyText(),
  clientDepotFile: text().optional(),
  clientDepotRev: integer().optional(),
  digest: digest(),
});
export const deleteRequest = z.object({ ...identity, path: nonEmptyText(), noclobber: flag(), rmdir: rmdirMode() });
export const moveRequest = z.object({
  ...identity,
  path: nonEmptyText(),
  path2: nonEmptyText(),
  rmdir: rmdirMode(),
  force: flag(),
});
export const chmodRequest = z.object({
  ...identity,
  path: nonEmptyText(),
  writable: flag(),
  executable: flag(),
  /** The pass-through handler's spelling: "rw" means writable. */
  perms: text().optional(),
  depotFile: text().optional(),
  rev: integer().optional(),
});

export type CheckRequest = z.infer<typeof checkRequest>;
export type AddRequest = z.infer<typeof addRequest>;
export type AddedRequest = z.infer<typeof addedRequest>;
export type CheckFileRequest = z.infer<typeof checkFileRequest>;
export type DeleteRequest = z.infer<typeof deleteRequest>;
export type MoveRequest = z.infer<typeof moveRequest>;
export type ChmodRequest = z.infer<typeof chmodRequest>;

/** Validates a request against its command's schema; the error names the command and the key. */
export function parseRequest<T>(command: string, schema: z.ZodType<T>, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    if (issue.code === 'invalid_type' && issue.received === 'undefined') return `missing "${key}"`;
    return key ? `"${key}" ${issue.message}` : issue.message;
  });
  throw new O4Error('BAD_REQUEST', `${command}: ${problems.join('; ')}`, { command });
}
