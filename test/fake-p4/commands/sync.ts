import { noFilesMessage, type ClientArg } from '../client-args.js';
import type { HaveEntry, RevisionInfo } from '../depot.js';
import { revisionPicker } from '../file-args.js';
import { installRevision, removeFile, type Route } from '../file-ops.js';
import type { Workspace } from '../workspace.js';
import type { Command, CommandContext } from './command.js';
import { fileRoute, startCommand } from './workspace-command.js';

/**
 * `sync [-f -n -k] [file[rev]...]`: the files the view maps, at the named revision (head by
 * default), against the have list: new or changed files are written, files deleted at that
 * revision or no longer mapped are removed, the rest skipped (refreshed with -f). -n only reports,
 * -k only updates the have list. A file whose write fails keeps its have entry. Files opened for
 * edit are left alone (resolve is not simulated). A file the view moved keeps its old copy.
 */
const USAGE = 'Usage: sync [ -f -k -n -N -q -r -s ] [-m max] [files...]';
/** depot.json is rewritten whole for every update, so a long sync records its have list in batches. */
const HAVE_BATCH = 256;

type SyncStep = {
  readonly depotFile: string;
  readonly clientFile: string;
} & (
  | { readonly action: 'added' | 'updated' | 'refreshed'; readonly rev: RevisionInfo }
  /** rev: the deleting revision, or undefined when the file is unmapped or synced to #none. */
  | { readonly action: 'deleted'; readonly rev: RevisionInfo | undefined }
);

const VERB: Record<SyncStep['action'], string> = { added: 'added as', updated: 'updating', refreshed: 'refreshing', deleted: 'deleted as' };

export const sync: Command = {
  anonymous: false,
  async run(ctx, args) {
    const started = startCommand(ctx, args, USAGE, ['-f', '-n', '-k']);
    if (!started) return;
    const { flags, ws } = started;
    const route = fileRoute(ctx, ws);
    if (!route) return;
    const have = new Map(ctx.depot.have(ws.name).map((h) => [h.depotFile, h]));
    const opened = new Set(ctx.depot.opened(ws.name).map((o) => o.depotFile));
    const mapped = new Map(ctx.depot.depotFiles().map((d) => [d, ws.view.toClient(d)]));
    const pending = new Map<string, HaveEntry | null>();
    const flush = () => {
      if (pending.size > 0) ctx.depot.updateHave(ws.name, pending);
      pending.clear();
    };
    try {
      for (const arg of started.args) {
        const steps = plan(ctx, arg, mapped, have, flags.has('-f'));
        if (steps === 'unmatched') {
          const unmapped = [...mapped].some(([d, c]) => c === undefined && arg.matches(d, ''));
          ctx.ui.message(noFilesMessage(arg, unmapped ? 'file(s) not in client view.' : 'no such file(s).'));
        } else if (steps.length === 0) {
          ctx.ui.message(noFilesMessage(arg, 'file(s) up-to-date.'));
        }
        for (const step of steps === 'unmatched' ? [] : steps) {
          if (opened.has(step.depotFile)) {
            ctx.ui.info(`${step.depotFile} - is opened and not being changed`);
            continue;
          }
          report(ctx, ws, step);
          if (flags.has('-n')) continue;
          if (!flags.has('-k') && !(await apply(ctx, ws, route, step, flags.has('-f')))) continue;
          const entry = step.action === 'deleted' ? null : { depotFile: step.depotFile, clientFile: step.clientFile, rev: step.rev.rev };
          if (entry) have.set(step.depotFile, entry);
          else have.delete(step.depotFile);
          pending.set(step.depotFile, entry);
          if (pending.size >= HAVE_BATCH) flush();
        }
      }
    } finally {
      flush();
    }
  },
};

/** What syncing one argument takes, in depot order; 'unmatched' when it names no mapped or had file. */
function plan(
  ctx: CommandContext,
  arg: ClientArg,
  mapped: ReadonlyMap<string, string | undefined>,
  have: ReadonlyMap<string, HaveEntry>,
  force: boolean,
): SyncStep[] | 'unmatched' {
  const pick = revisionPicker(arg.rev)!;
  const names = [...new Set([...mapped.keys(), ...have.keys()])].sort();
  const steps: SyncStep[] = [];
  let matched = false;
  for (const depotFile of names) {
    const clientFile = mapped.get(depotFile);
    const had = have.get(depotFile);
    const inView = clientFile !== undefined && arg.matches(depotFile, clientFile);
    if (!inView && !(had && arg.matches(depotFile, had.clientFile))) continue;
    matched = true;
    const at = inView ? pick(ctx.depot.revisions(depotFile)).at(-1) : undefined;
    if (inView && at && at.action !== 'delete') {
      if (!had) steps.push({ action: 'added', depotFile, clientFile, rev: at });
      else if (had.rev !== at.rev) steps.push({ action: 'updated', depotFile, clientFile, rev: at });
      else if (force) steps.push({ action: 'refreshed', depotFile, clientFile, rev: at });
    } else if (had) {
      steps.push({ action: 'deleted', depotFile, clientFile: had.clientFile, rev: at });
    }
  }
  return matched ? steps : 'unmatched';
}

function report(ctx: CommandContext, ws: Workspace, step: SyncStep): void {
  const path = ws.localPath(step.clientFile);
  const rev = step.rev ? String(step.rev.rev) : 'none';
  if (!ctx.ui.marshal) {
    ctx.ui.info(`${step.depotFile}#${rev} - ${VERB[step.action]} ${path}`);
    return;
  }
  const size: Record<string, string> = step.action === 'deleted' ? {} : { fileSize: String(step.rev.fileSize) };
  ctx.ui.stat({ depotFile: step.depotFile, clientFile: step.clientFile, path, rev, action: step.action, ...size });
}

function apply(ctx: CommandContext, ws: Workspace, route: Route, step: SyncStep, force: boolean): Promise<boolean> {
  if (step.action === 'deleted') return removeFile(ctx, ws, route, ws.localPath(step.clientFile));
  return installRevision(ctx, ws, route, step, step.rev, force);
}
