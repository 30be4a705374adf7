import { clientArgs, type ClientArg } from '../client-args.js';
import { E_FAILED, EV_UNKNOWN, EV_USAGE } from '../client-user.js';
import type { Route } from '../file-ops.js';
import { Workspace } from '../workspace.js';
import type { CommandContext } from './command.js';

/**
 * What every workspace command (sync, edit, revert, diff, reconcile, have, opened) starts with:
 * its flags, the -c client's spec, its file arguments, and how its files are reached.
 */
export interface StartedCommand {
  readonly flags: ReadonlySet<string>;
  readonly ws: Workspace;
  readonly args: ClientArg[];
}

/**
 * Leading flags must be among `known` (whole tokens: `-f`, `-se`); with `needFiles`, at least one
 * file argument is required. Prints the usage error or the unknown-client error and returns
 * undefined; file arguments it cannot use are reported and dropped.
 */
export function startCommand(
  ctx: CommandContext,
  args: readonly string[],
  usage: string,
  known: readonly string[],
  needFiles = false,
): StartedCommand | undefined {
  const usageError = (why: string) => ctx.ui.message({ text: `${usage}\n${why}`, severity: E_FAILED, generic: EV_USAGE });
  let i = 0;
  for (; i < args.length && args[i]!.startsWith('-') && args[i]!.length > 1; i++) {
    if (!known.includes(args[i]!)) {
      usageError(`Invalid option: ${args[i]}.`);
      return undefined;
    }
  }
  const files = args.slice(i);
  if (needFiles && files.length === 0) {
    usageError('Missing/wrong number of arguments.');
    return undefined;
  }
  const spec = ctx.depot.client(ctx.options.client);
  if (!spec) {
    ctx.ui.message({ text: `Client '${ctx.options.client}' unknown - use 'client' command to create it.`, severity: E_FAILED, generic: EV_UNKNOWN });
    return undefined;
  }
  const ws = new Workspace(ctx.options.client, spec);
  const parsed: ClientArg[] = [];
  for (const r of clientArgs(ws, ctx.options.cwd, files)) {
    if ('message' in r) ctx.ui.message(r.message);
    else parsed.push(r.arg);
  }
  return { flags: new Set(args.slice(0, i)), ws, args: parsed };
}

/** The agent or the fake's own file writes for this workspace; undefined (reported) when the server refuses. */
export function fileRoute(ctx: CommandContext, ws: Workspace): Route | undefined {
  const route = ctx.altsync.route(ws, ctx.depot.altsyncEnforce);
  return route === 'refused' ? undefined : route;
}
