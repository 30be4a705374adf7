import { noFilesMessage } from '../client-args.js';
import type { Command } from './command.js';
import { startCommand } from './workspace-command.js';

/** `opened [file...]`: the client's opened files, all in the default change. */
const USAGE = 'Usage: opened [-a -c changelist# -C client -u user -m max -s -g] [files...]';

export const opened: Command = {
  anonymous: false,
  run(ctx, args) {
    const started = startCommand(ctx, args, USAGE, []);
    if (!started) return;
    const { ws } = started;
    const entries = ctx.depot.opened(ws.name);
    for (const arg of started.args) {
      const files = entries.filter((o) => arg.matches(o.depotFile, o.clientFile));
      if (files.length === 0) ctx.ui.message(noFilesMessage(arg, 'file(s) not opened on this client.'));
      for (const f of files) {
        const type = ctx.depot.revision(f.depotFile, f.rev)!.type;
        if (ctx.ui.marshal) {
          ctx.ui.stat({
            depotFile: f.depotFile,
            clientFile: f.clientFile,
            path: ws.localPath(f.clientFile),
            rev: String(f.rev),
            haveRev: String(f.rev),
            action: f.action,
            change: 'default',
            type,
            user: ctx.options.user,
            client: ws.name,
          });
        } else {
          ctx.ui.info(`${f.depotFile}#${f.rev} - ${f.action} default change (${type})`);
        }
      }
    }
  },
};
