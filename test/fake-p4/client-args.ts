import { resolve } from 'node:path';
import { E_FAILED, E_WARN, EV_EMPTY, EV_USAGE, type ServerMessage } from './client-user.js';
import { revisionPicker, wildcard } from './file-args.js';
import type { Workspace } from './workspace.js';

/**
 * File arguments of the workspace commands (sync, have, edit, ...): depot syntax, client syntax
 * (`//client/...`) or a local path (relative to -d / the current directory), each with `...` and
 * `*` wildcards and an optional revision (`#N`, `#head`, `#none`, `@change`; only sync uses it).
 * No arguments stands for the whole client, `//client/...`.
 */
export interface ClientArg {
  /** As typed; undefined for "no arguments". */
  readonly text: string | undefined;
  readonly rev: string;
  matches(depotFile: string, clientFile: string): boolean;
}

export type ClientArgResult = { readonly arg: ClientArg } | { readonly message: ServerMessage };

export function clientArgs(ws: Workspace, cwd: string, args: readonly string[]): ClientArgResult[] {
  if (args.length === 0) {
    const all = wildcard(`//${ws.name}/...`);
    return [{ arg: { text: undefined, rev: '#head', matches: (_d, c) => all.test(c) } }];
  }
  return args.map((text) => parseArg(ws, cwd, text));
}

function parseArg(ws: Workspace, cwd: string, text: string): ClientArgResult {
  const at = text.search(/[#@]/);
  const path = at < 0 ? text : text.slice(0, at);
  const rev = at < 0 ? '#head' : text.slice(at);
  if (!revisionPicker(rev)) return { message: { text: `fake p4: revision '${rev}' is not simulated.`, severity: E_FAILED, generic: EV_USAGE } };
  if (path.startsWith('//') && !path.startsWith(`//${ws.name}/`)) {
    const depot = wildcard(path);
    return { arg: { text, rev, matches: (d) => depot.test(d) } };
  }
  const clientPath = path.startsWith('//') ? path : ws.clientPathOf(resolve(cwd, path));
  if (clientPath === undefined) {
    return { message: { text: `Path '${resolve(cwd, path)}' is not under client's root '${ws.root}'.`, severity: E_WARN, generic: EV_USAGE } };
  }
  const client = wildcard(clientPath);
  return { arg: { text, rev, matches: (_d, c) => client.test(c) } };
}

/** "<arg> - file(s) up-to-date." for an argument; "File(s) up-to-date." for no arguments. */
export function noFilesMessage(arg: ClientArg, phrase: string): ServerMessage {
  const text = arg.text === undefined ? phrase.charAt(0).toUpperCase() + phrase.slice(1) : `${arg.text} - ${phrase}`;
  return { text, severity: E_WARN, generic: EV_EMPTY };
}
