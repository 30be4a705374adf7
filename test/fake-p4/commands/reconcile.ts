import { noFilesMessage } from '../client-args.js';
import { E_FAILED, EV_USAGE } from '../client-user.js';
import { checkHaveFile } from '../file-check.js';
import type { Command } from './command.js';
import { fileRoute, startCommand } from './workspace-command.js';

/**
 * `reconcile -n [-e] [-d] [file...]`: previews which unopened have-list files would be opened for
 * edit (changed) or delete (missing), each checked as client-ReconcileEdit does (the agent's
 * checkFile first on an altsync workspace). Without -e/-d both; finding new files (-a) is not
 * simulated, nor is opening anything.
 */
const USAGE = 'Usage: reconcile [-c change -e -a -d -f -I -l -m -n -w] [files...]';

export const reconcile: Command = {
  anonymous: false,
  async run(ctx, args) {
    const started = startCommand(ctx, args, USAGE, ['-n', '-e', '-d']);
    if (!started) return;
    const { ws, flags } = started;
    if (!flags.has('-n'))
      return ctx.ui.message({ text: 'fake p4: only reconcile -n (preview) is simulated.', severity: E_FAILED, generic: EV_USAGE });
    const both = !flags.has('-e') && !flags.has('-d');
    const route = fileRoute(ctx, ws);
    if (!route) return;
    const opened = new Set(ctx.depot.opened(ws.name).map((o) => o.depotFile));
    const have = ctx.depot.have(ws.name).filter((h) => !opened.has(h.depotFile));
    for (const arg of started.args) {
      let found = 0;
      for (const file of have.filter((h) => arg.matches(h.depotFile, h.clientFile))) {
        const state = await checkHaveFile(ctx, ws, route, file, ctx.depot.revision(file.depotFile, file.rev)!);
        const action =
          state === 'changed' && (both || flags.has('-e')) ? 'edit' : state === 'missing' && (both || flags.has('-d')) ? 'delete' : undefined;
        if (!action) continue;
        found++;
        ctx.ui.info(`${file.depotFile}#${file.rev} - opened for ${action}`);
      }
      if (found === 0) ctx.ui.message(noFilesMessage(arg, 'no file(s) to reconcile.'));
    }
  },
};
