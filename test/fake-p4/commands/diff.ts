import { noFilesMessage } from '../client-args.js';
import { E_FAILED, EV_USAGE } from '../client-user.js';
import { checkHaveFile, type LocalState } from '../file-check.js';
import type { Command } from './command.js';
import { fileRoute, startCommand } from './workspace-command.js';

/**
 * `diff [-se | -sd | -sa] [file...]`: workspace files against their have revision, each checked as
 * client-CheckFile does (the agent's checkFile first on an altsync workspace). -se lists unopened
 * files that differ, -sd unopened files that are missing, -sa opened files that differ or are
 * missing; without -s, opened files that differ get a `====` header (no content diff).
 */
const USAGE = 'Usage: diff [ -d<flags> -f -m max -Od -s<flag> -t ] [files...]';

type Mode = '-se' | '-sd' | '-sa' | 'plain';

/** Which checked files each mode lists. */
const LISTED: Record<Mode, ReadonlySet<LocalState>> = {
  '-se': new Set(['changed']),
  '-sd': new Set(['missing']),
  '-sa': new Set(['changed', 'missing']),
  plain: new Set(['changed']),
};

export const diff: Command = {
  anonymous: false,
  async run(ctx, args) {
    const started = startCommand(ctx, args, USAGE, ['-se', '-sd', '-sa']);
    if (!started) return;
    const { ws, flags } = started;
    if (flags.size > 1) return ctx.ui.message({ text: `${USAGE}\nOnly one -s flag may be given.`, severity: E_FAILED, generic: EV_USAGE });
    const mode = ([...flags][0] ?? 'plain') as Mode;
    const route = fileRoute(ctx, ws);
    if (!route) return;
    const opened = ctx.depot.opened(ws.name);
    const openedFiles = new Set(opened.map((o) => o.depotFile));
    const candidates = mode === '-se' || mode === '-sd' ? ctx.depot.have(ws.name).filter((h) => !openedFiles.has(h.depotFile)) : opened;
    for (const arg of started.args) {
      const files = candidates.filter((f) => arg.matches(f.depotFile, f.clientFile));
      if (files.length === 0)
        ctx.ui.message(noFilesMessage(arg, mode === '-se' || mode === '-sd' ? 'file(s) not on client.' : 'file(s) not opened on this client.'));
      for (const file of files) {
        const rev = ctx.depot.revision(file.depotFile, file.rev)!;
        if (!LISTED[mode].has(await checkHaveFile(ctx, ws, route, file, rev))) continue;
        const path = ws.localPath(file.clientFile);
        if (ctx.ui.marshal) ctx.ui.stat({ depotFile: file.depotFile, clientFile: path, rev: String(file.rev), type: rev.type });
        else ctx.ui.info(mode === 'plain' ? `==== ${file.depotFile}#${file.rev} - ${path} ====` : path);
      }
    }
  },
};
