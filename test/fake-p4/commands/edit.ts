import { noFilesMessage } from '../client-args.js';
import type { OpenedEntry } from '../depot.js';
import { makeWritable } from '../file-ops.js';
import type { Command } from './command.js';
import { fileRoute, startCommand } from './workspace-command.js';

/**
 * `edit file...`: opens files of the have list for edit in the default change, at the have
 * revision, once the client has made them writable (on an altsync workspace the agent's `chmod`;
 * a file it fails for is not opened).
 */
const USAGE = 'Usage: edit [-c changelist#] [-k -n] [-t type] files...';

export const edit: Command = {
  anonymous: false,
  async run(ctx, args) {
    const started = startCommand(ctx, args, USAGE, [], true);
    if (!started) return;
    const { ws } = started;
    const route = fileRoute(ctx, ws);
    if (!route) return;
    const have = ctx.depot.have(ws.name);
    const opened = new Set(ctx.depot.opened(ws.name).map((o) => o.depotFile));
    const changes = new Map<string, OpenedEntry>();
    try {
      for (const arg of started.args) {
        const files = have.filter((h) => arg.matches(h.depotFile, h.clientFile));
        if (files.length === 0) ctx.ui.message(noFilesMessage(arg, 'file(s) not on client.'));
        for (const file of files) {
          if (opened.has(file.depotFile) || changes.has(file.depotFile)) {
            ctx.ui.info(`${file.depotFile}#${file.rev} - currently opened for edit`);
            continue;
          }
          if (!(await makeWritable(ctx, ws, route, file, ctx.depot.revision(file.depotFile, file.rev)!))) continue;
          changes.set(file.depotFile, { ...file, action: 'edit' });
          ctx.ui.info(`${file.depotFile}#${file.rev} - opened for edit`);
        }
      }
    } finally {
      if (changes.size > 0) ctx.depot.updateOpened(ws.name, changes);
    }
  },
};
