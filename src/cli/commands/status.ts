import { dirname } from 'node:path';
import type { DaemonStatus } from '../../daemon/protocol.js';
import { O4Error } from '../../errors.js';
import { FILE_STATES, type FileState } from '../../store/states.js';
import type { Ledger, StateCount, Workspace } from '../../store/ledger.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { columns, formatBytes, formatCount } from '../format.js';
import { locatePath } from '../locate.js';
import { printJson, runVerb } from '../verb.js';
import { daemonStatus, describeDaemon } from '../daemon-link.js';

interface StatusArgs extends GlobalArgs {
  path?: string;
  top?: number;
}

export interface WorkspaceReport {
  readonly client: string;
  readonly port: string;
  readonly root: string;
  readonly user: string | null;
  readonly scope: string;
  readonly states: Record<FileState, { files: number; bytes: number }>;
  readonly files: number;
  readonly bytes: number;
  readonly hydrated: { readonly filesPercent: number; readonly bytesPercent: number };
  readonly lastError: { path: string; message: string; at: string } | null;
  readonly watcher: string;
  readonly top?: ReadonlyArray<{ dir: string; files: number; bytes: number }>;
}

export function run(args: StatusArgs): Promise<number> {
  return runVerb(args, async (ctx) => {
    // yargs passes `--top abc` on as NaN, which would quietly list nothing.
    if (args.top !== undefined && (!Number.isInteger(args.top) || args.top < 0)) {
      throw new O4Error('USAGE', `--top wants a whole number of directories, 0 or more (got ${args.top})`);
    }
    const ledger = ctx.ledger();
    // The ledger report stands on its own; a daemon that hangs or a socket that is not ours is
    // reported beside it, not instead of it.
    let daemonProblem: string | undefined;
    const daemon = await daemonStatus(ctx).catch((err: unknown) => {
      if (!(err instanceof O4Error && err.code === 'DAEMON')) throw err;
      daemonProblem = err.message;
      return undefined;
    });
    const reports = selectWorkspaces(ctx, ledger, args.path).map(({ ws, rel }) => report(ledger, ws, rel, daemon, args.top));
    if (ctx.json) {
      printJson(ctx, {
        workspaces: reports,
        daemon: daemon ? { running: true, ...daemon } : { running: false, ...(daemonProblem && { problem: daemonProblem }) },
      });
      return EXIT.OK;
    }
    if (reports.length === 0) ctx.out.write('no workspaces yet: run p4 sync in an altsync workspace with P4ALTSYNC set (docs/user-guide.md)\n');
    for (const r of reports) ctx.out.write(`${render(r)}\n\n`);
    ctx.out.write(
      daemon
        ? `${describeDaemon(daemon)}\n`
        : daemonProblem
          ? `daemon: ${daemonProblem}\n`
          : 'daemon: not running — local edits are noticed by checkFile only, and there is no background hydration (o4-agent daemon start)\n',
    );
    return EXIT.OK;
  });
}

function selectWorkspaces(ctx: CliContext, ledger: Ledger, path: string | undefined): Array<{ ws: Workspace; rel: string }> {
  if (path === undefined) return ledger.workspaces().map((ws) => ({ ws, rel: '' }));
  const { ws, rel } = locatePath(ledger, ctx.cwd, path);
  return [{ ws, rel }];
}

function report(ledger: Ledger, ws: Workspace, rel: string, daemon: DaemonStatus | undefined, top: number | undefined): WorkspaceReport {
  // A path naming one tracked file is that file, not the (empty) directory `${rel}/`.
  const file = rel === '' ? undefined : ledger.file(ws.id, rel);
  const counts: StateCount[] =
    rel === ''
      ? ledger.stateCounts(ws.id)
      : file
        ? [{ state: file.state, files: 1, bytes: file.fileSize ?? 0 }]
        : ledger.stateCountsUnder(ws.id, `${rel}/`);
  const states = Object.fromEntries(FILE_STATES.map((s) => [s, { files: 0, bytes: 0 }])) as Record<FileState, { files: number; bytes: number }>;
  for (const c of counts) states[c.state] = { files: c.files, bytes: c.bytes };
  const files = counts.reduce((a, c) => a + c.files, 0);
  const bytes = counts.reduce((a, c) => a + c.bytes, 0);
  const latest = ledger.latestError(ws.id);
  const watcher = daemon?.watchers.find((w) => w.client === ws.client && w.port === ws.port);
  return {
    client: ws.client,
    port: ws.port,
    root: ws.root,
    user: ws.user,
    scope: rel === '' ? ws.root : `${ws.root}/${rel}`,
    states,
    files,
    bytes,
    hydrated: { filesPercent: percent(states.hydrated.files, files), bytesPercent: percent(states.hydrated.bytes, bytes) },
    lastError: latest ? { path: `${ws.root}/${latest.rel}`, message: latest.message, at: new Date(latest.at).toISOString() } : null,
    watcher: !daemon ? 'daemon not running' : watcher ? `${watcher.mode}${watcher.error ? ` (${watcher.error})` : ''}` : 'not watched',
    ...(top !== undefined && { top: topDirectories(ledger, ws, (r) => (file ? r === rel : r.startsWith(rel === '' ? '' : `${rel}/`)), top) }),
  };
}

/** Directories holding the most hydrated bytes (a scan of the hydrated rows only). */
function topDirectories(
  ledger: Ledger,
  ws: Workspace,
  inScope: (rel: string) => boolean,
  n: number,
): Array<{ dir: string; files: number; bytes: number }> {
  const byDir = new Map<string, { files: number; bytes: number }>();
  for (const f of ledger.hydratedFiles(ws.id)) {
    if (!inScope(f.rel)) continue;
    const dir = dirname(f.rel);
    const d = byDir.get(dir) ?? { files: 0, bytes: 0 };
    d.files++;
    d.bytes += f.size;
    byDir.set(dir, d);
  }
  return [...byDir.entries()]
    .sort((a, b) => b[1].bytes - a[1].bytes || b[1].files - a[1].files)
    .slice(0, n)
    .map(([dir, d]) => ({ dir: dir === '.' ? '(root)' : dir, ...d }));
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part * 1000) / whole) / 10;
}

function render(r: WorkspaceReport): string {
  const head = `${r.client} on ${r.port}${r.user ? ` (user ${r.user})` : ''}\n  ${r.scope}`;
  const rows: string[][] = [['  state', 'files', 'bytes']];
  for (const s of FILE_STATES) if (r.states[s].files > 0) rows.push([`  ${s}`, formatCount(r.states[s].files), formatBytes(r.states[s].bytes)]);
  rows.push(['  total', formatCount(r.files), formatBytes(r.bytes)]);
  const lines = [
    head,
    columns(rows),
    `  hydrated: ${r.hydrated.filesPercent}% of files, ${r.hydrated.bytesPercent}% of bytes`,
    `  watcher: ${r.watcher}`,
  ];
  if (r.lastError) lines.push(`  last error (${r.lastError.at}): ${r.lastError.path}: ${r.lastError.message}`);
  if (r.top && r.top.length > 0) {
    lines.push('  most hydrated directories:');
    lines.push(columns(r.top.map((d) => [`    ${d.dir}`, formatCount(d.files), formatBytes(d.bytes)])));
  }
  return lines.join('\n');
}
