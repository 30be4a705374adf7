import { noFilesMessage } from '../client-args.js';
import { checkHaveFile } from '../file-check.js';
import { installRevision } from '../file-ops.js';
import type { Command } from './command.js';
import { fileRoute, startCommand } from './workspace-command.js';

/**
 * `revert [-a] file...`: puts opened files back to their have revision (on an altsync workspace an
 * `add`, as sync -f sends it, clobbering the writable file) and drops them from the opened list.
 * -a reverts only files whose content is unchanged, judged as diff judges it.
 */
const USAGE = 'Usage: revert [-a -n -k -w -c changelist# -C client] [-Si] files...';

export const revert: Command = {
  anonymous: false,
  async run(ctx, args) {
    const unchangedOnly = args.includes('-a');
    const started = startCommand(ctx, args, USAGE, ['-a'], !unchangedOnly);
    if (!started) return;
    const { ws } = started;
    const route = fileRoute(ctx, ws);
    if (!route) return;
    const opened = ctx.depot.opened(ws.name);
    const reverted = new Map<string, null>();
    try {
      for (const arg of started.args) {
        const files = opened.filter((o) => arg.matches(o.depotFile, o.clientFile));
        if (files.length === 0) ctx.ui.message(noFilesMessage(arg, 'file(s) not opened on this client.'));
        for (const file of files) {
          if (reverted.has(file.depotFile)) continue;
          const rev = ctx.depot.revision(file.depotFile, file.rev)!;
          if (unchangedOnly && (await checkHaveFile(ctx, ws, route, file, rev)) !== 'unchanged') continue;
          if (!(await installRevision(ctx, ws, route, file, rev, true))) continue;
          reverted.set(file.depotFile, null);
          ctx.ui.info(`${file.depotFile}#${file.rev} - was ${file.action}, reverted`);
        }
      }
    } finally {
      if (reverted.size > 0) ctx.depot.updateOpened(ws.name, reverted);
    }
  },
};
