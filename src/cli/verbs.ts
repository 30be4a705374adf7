import type { Argv } from 'yargs';
import type { GlobalArgs } from './context.js';

/**
 * Every CLI verb: its arguments and help here, its implementation in commands/ — loaded only when
 * the verb runs, so `o4-agent status` does not pay for the daemon's file watcher or the demo.
 */
export interface Verb {
  readonly command: string;
  readonly describe: string;
  readonly builder: (y: Argv) => Argv;
  load(): Promise<{ run(args: GlobalArgs): Promise<number> }>;
}

export const VERBS: readonly Verb[] = [
  {
    command: 'status [path]',
    describe: 'each workspace at a glance: files and bytes per state, hydration, queue, daemon and watcher health',
    builder: (y) =>
      y
        .positional('path', { type: 'string', describe: 'only the workspace (or directory) holding this path' })
        .option('top', { type: 'number', describe: 'also list the N directories with the most hydrated bytes' })
        .example('$0 status', 'every workspace')
        .example('$0 status --top 10 .', 'this workspace and its most hydrated directories'),
    load: () => import('./commands/status.js'),
  },
  {
    command: 'why <path>',
    describe: 'explain one file: state, revision, digest, type, where its content came from, what checkFile answers now',
    builder: (y) => y.positional('path', { type: 'string', demandOption: true }),
    load: () => import('./commands/why.js'),
  },
  {
    command: 'verify [path]',
    describe: 'compare ledger and disk (stat, placeholder shape, xattr marker; --digest: content) and report every mismatch',
    builder: (y) =>
      y
        .positional('path', { type: 'string', describe: 'only the workspace (or directory) holding this path' })
        .option('digest', { type: 'boolean', describe: 'also read hydrated files and check their content digest' })
        .option('repair', {
          type: 'boolean',
          describe: 'fix the ledger, re-create damaged placeholders, remove leftover temp files; never touches a changed file',
        })
        .option('recreate-missing', {
          type: 'boolean',
          describe: 'with --repair: re-create locally deleted files as placeholders instead of recording them missing',
        }),
    load: () => import('./commands/verify.js'),
  },
  {
    command: 'hydrate <paths..>',
    describe: 'fill placeholders with their real content (local paths, directories, //depot/... or //client/... patterns)',
    builder: (y) =>
      y
        .positional('paths', { type: 'string', array: true, describe: 'files, directories, or Perforce patterns with ... and *' })
        .option('dry-run', { type: 'boolean', describe: 'show what would be hydrated, change nothing' })
        .option('jobs', { type: 'number', describe: 'parallel p4 processes (default: p4.poolSize)' })
        .option('background', { type: 'boolean', describe: 'queue the files in the daemon instead of hydrating now' })
        .example('$0 hydrate src/engine', 'everything under a directory')
        .example("$0 hydrate '//depot/main/tools/....py'", 'every Python file under a depot path')
        .example('$0 hydrate --dry-run .', 'count what the current directory would fetch'),
    load: () => import('./commands/hydrate.js'),
  },
  {
    command: 'seed',
    describe: 'index a directory (an old checkout, an unpacked CI image) by Perforce digest, so hydration can copy from it',
    builder: (y) =>
      y
        .option('from', { type: 'string', demandOption: true, describe: 'directory to index; its files are only ever read' })
        .example('$0 seed --from ~/old-checkout', 'reuse an old checkout instead of downloading'),
    load: () => import('./commands/seed.js'),
  },
  {
    command: 'workspaces',
    describe: 'list the workspaces the ledger knows',
    builder: (y) => y,
    load: async () => ({ run: (await import('./commands/workspaces.js')).runWorkspaces }),
  },
  {
    command: 'forget <client>',
    describe: 'drop a workspace from the ledger (its files are not touched)',
    builder: (y) =>
      y
        .positional('client', { type: 'string', demandOption: true })
        .option('port', { type: 'string', describe: 'the server, when the client name exists on several' }),
    load: async () => ({ run: (await import('./commands/workspaces.js')).runForget }),
  },
  {
    command: 'config <action> [key] [value]',
    describe: 'show or change settings (get KEY | set KEY VALUE | unset KEY | list)',
    builder: (y) =>
      y
        .positional('action', { choices: ['get', 'set', 'unset', 'list'] as const })
        .positional('key', { type: 'string', describe: 'dotted key, e.g. placeholders.mode or workspaces.my-ws.prefetch' })
        .positional('value', { type: 'string', describe: 'JSON (a bare word is a string)' })
        .option('defaults', { type: 'boolean', describe: 'with list: the built-in defaults' })
        .example('$0 config set p4.poolSize 8', 'more parallel p4 processes')
        .example(`$0 config set workspaces.my-ws.pin '["//depot/main/tools/..."]'`, 'keep a tree always local'),
    load: () => import('./commands/config.js'),
  },
  {
    command: 'logs',
    describe: 'show the log of every o4-agent process (agents, daemon, CLI)',
    builder: (y) =>
      y
        .option('follow', { alias: 'f', type: 'boolean', describe: 'keep printing new records' })
        .option('lines', { alias: 'n', type: 'number', describe: 'how many recent records (default 50)' }),
    load: () => import('./commands/logs.js'),
  },
  {
    command: 'demo',
    describe: 'see it work without a Perforce server: a simulated server, a real sync through o4-agent, hydration, edits, the daemon',
    builder: (y) =>
      y
        .option('files', { type: 'number', default: 2000, describe: 'how many files the simulated depot holds' })
        .option('keep', { type: 'boolean', describe: 'keep the demo directory (server, workspace, state) afterwards' })
        .option('dir', { type: 'string', describe: 'an empty directory to run in (default: a new one under /tmp)' }),
    load: () => import('./commands/demo.js'),
  },
  {
    command: 'daemon <action>',
    describe: 'run, start, stop or query the per-user daemon (edit detection, background hydration)',
    builder: (y) =>
      y
        .positional('action', {
          choices: ['run', 'start', 'stop', 'status', 'pause', 'resume', 'reload', 'install-unit'] as const,
          describe: 'run: in the foreground (what systemd runs); start: in the background; install-unit: write the systemd user unit',
        })
        .option('enable', { type: 'boolean', describe: 'with install-unit: also enable and start it (systemctl --user enable --now)' })
        .option('print', { type: 'boolean', describe: 'with install-unit: print the unit instead of writing it' })
        .option('unit-dir', { type: 'string', describe: 'with install-unit: where to write it (default ~/.config/systemd/user)' })
        .example('$0 daemon start', 'start it in the background')
        .example('$0 daemon install-unit --enable', 'or let systemd run it from now on (see docs/user-guide.md)'),
    load: () => import('./commands/daemon.js'),
  },
];
