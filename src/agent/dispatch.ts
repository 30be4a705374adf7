import { O4Error } from '../errors.js';
import type { RequestObject } from '../protocol/decode.js';
import { okLine, type ReplyFields } from '../protocol/reply.js';
import {
  addRequest,
  addedRequest,
  checkFileRequest,
  checkRequest,
  chmodRequest,
  deleteRequest,
  moveRequest,
  type RequestSchema,
} from '../protocol/requests.js';
import { handleAdd } from './commands/add.js';
import { handleAdded } from './commands/added.js';
import { handleCheck } from './commands/check.js';
import { handleCheckFile } from './commands/check-file.js';
import { handleChmod } from './commands/chmod.js';
import { handleDelete } from './commands/delete.js';
import { handleMove } from './commands/move.js';
import type { AgentContext } from './context.js';

type Outcome = ReplyFields | void;

interface Command<T> {
  readonly schema: RequestSchema<T>;
  readonly run: (ctx: AgentContext, req: T) => Outcome | Promise<Outcome>;
}

function command<T>(schema: RequestSchema<T>, run: Command<T>['run']): Command<unknown> {
  return { schema, run } as Command<unknown>;
}

const COMMANDS: ReadonlyMap<string, Command<unknown>> = new Map([
  ['check', command(checkRequest, handleCheck)],
  ['add', command(addRequest, handleAdd)],
  ['added', command(addedRequest, handleAdded)],
  ['checkFile', command(checkFileRequest, handleCheckFile)],
  ['delete', command(deleteRequest, handleDelete)],
  ['move', command(moveRequest, handleMove)],
  ['chmod', command(chmodRequest, handleChmod)],
]);

export const KNOWN_COMMANDS = [...COMMANDS.keys(), 'quit'];

/** The `altSync` command of a decoded request; a clear error when it is missing or not a string. */
export function commandName(req: RequestObject): string {
  const name = req['altSync'];
  if (name === undefined) throw new O4Error('BAD_REQUEST', 'request has no "altSync" key naming the command');
  if (typeof name !== 'string' || name === '') throw new O4Error('BAD_REQUEST', `"altSync" must name a command, got ${JSON.stringify(name)}`);
  return name;
}

/** Runs one request and returns its reply line; synchronous unless the handler is (chmod hydration). */
export function dispatch(ctx: AgentContext, name: string, req: RequestObject): string | Promise<string> {
  const cmd = COMMANDS.get(name);
  if (!cmd) {
    throw new O4Error('UNKNOWN_COMMAND', `Unknown P4ALTSYNC command: ${JSON.stringify(name)} (o4-agent knows ${KNOWN_COMMANDS.join(', ')})`, {
      command: name,
    });
  }
  const outcome = cmd.run(ctx, cmd.schema.parse(req));
  return outcome instanceof Promise ? outcome.then((fields) => okLine(fields || undefined)) : okLine(outcome || undefined);
}
