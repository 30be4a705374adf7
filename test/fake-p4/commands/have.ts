import { noFilesMessage } from '../client-args.js';
import type { Command } from './command.js';
import { startCommand } from './workspace-command.js';

/** `have [file...]`: the client's have list. */
const USAGE = 'Usage: have [files...]';

export const have: Command = {
  anonymous: false,
  run(ctx, args) {
    const started = startCommand(ctx, args, USAGE, []);
    if (!started) return;
    const { ws } = started;
    const entries = ctx.depot.have(ws.name);
    for (const arg of started.args) {
      const files = entries.filter((h) => arg.matches(h.depotFile, h.clientFile));
      if (files.length === 0) ctx.ui.message(noFilesMessage(arg, 'file(s) not on client.'));
      for (const f of files) {
        const path = ws.localPath(f.clientFile);
        if (ctx.ui.marshal) ctx.ui.stat({ depotFile: f.depotFile, clientFile: f.clientFile, path, haveRev: String(f.rev) });
        else ctx.ui.info(`${f.depotFile}#${f.rev} - ${path}`);
      }
    }
  },
};
