import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { O4Error } from '../../errors.js';
import { installUserUnit, renderUserUnit, userUnitDir } from '../../daemon/systemd-unit.js';
import { FileLog } from '../../log/logger.js';
import { prettyLine } from '../../log/pretty.js';
import { packageRoot } from '../../module-paths.js';
import { logLevel, type CliContext, type GlobalArgs } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { askDaemon, daemonStatus, describeDaemon, ping } from '../daemon-link.js';
import { printJson, runVerb } from '../verb.js';

interface DaemonArgs extends GlobalArgs {
  action: 'run' | 'start' | 'stop' | 'status' | 'pause' | 'resume' | 'reload' | 'install-unit';
  enable?: boolean;
  print?: boolean;
  unitDir?: string;
}

export function run(args: DaemonArgs): Promise<number> {
  return runVerb(args, async (ctx) => {
    switch (args.action) {
      case 'run':
        return runForeground(ctx);
      case 'start':
        return start(ctx, args);
      case 'stop':
        return stop(ctx);
      case 'status':
        return status(ctx);
      case 'pause':
      case 'resume':
      case 'reload':
        return control(ctx, args.action);
      case 'install-unit':
        return installUnit(ctx, args);
    }
  });
}

async function runForeground(ctx: CliContext): Promise<number> {
  const tty = (ctx.out as NodeJS.WriteStream).isTTY === true;
  const log = new FileLog(
    ctx.paths.agentLog,
    logLevel(ctx.env, ctx.config),
    { component: 'daemon' },
    tty ? (line) => ctx.out.write(`${prettyLine(line, true)}\n`) : undefined,
    ctx.config.log,
  );
  const { Daemon } = await import('../../daemon/daemon.js');
  const daemon = await Daemon.start(ctx.paths, ctx.env, log);
  const onStop = () => void daemon.stop();
  const onReload = () => daemon.reload();
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  process.on('SIGHUP', onReload);
  if (!tty) ctx.out.write(`o4-agent daemon running (pid ${process.pid}), socket ${daemon.runtime.socket}\n`);
  await daemon.stopped;
  process.off('SIGTERM', onStop);
  process.off('SIGINT', onStop);
  process.off('SIGHUP', onReload);
  return EXIT.OK;
}

async function start(ctx: CliContext, args: DaemonArgs): Promise<number> {
  const running = await ping(ctx);
  if (running) throw new O4Error('DAEMON', `the daemon is already running (pid ${running.pid})`);
  mkdirSync(ctx.paths.logDir, { recursive: true, mode: 0o700 });
  const startLog = join(ctx.paths.logDir, 'daemon-start.log');
  const err = openSync(startLog, 'w', 0o600);
  const child = spawn(
    process.execPath,
    [join(packageRoot(), 'dist', 'src', 'main.js'), 'daemon', 'run', ...(args.home ? ['--home', args.home] : [])],
    {
      detached: true,
      stdio: ['ignore', 'ignore', err],
      env: ctx.env,
      cwd: ctx.paths.home,
    },
  );
  closeSync(err);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  for (let waited = 0; waited < 15_000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    const up = await ping(ctx);
    if (up) {
      if (ctx.json) printJson(ctx, { started: true, pid: up.pid });
      else ctx.out.write(`o4-agent daemon started (pid ${up.pid})\n`);
      return EXIT.OK;
    }
    if (exited !== null) break;
  }
  const why = readFileSync(startLog, 'utf8').trim().split('\n').filter(Boolean).pop();
  throw new O4Error('DAEMON', `the daemon did not start${why ? `: ${why.replace(/^o4-agent: /, '')}` : ''} (see ${startLog})`);
}

async function stop(ctx: CliContext): Promise<number> {
  const running = await ping(ctx);
  if (!running) {
    if (ctx.json) printJson(ctx, { running: false });
    else ctx.out.write('the daemon is not running\n');
    return EXIT.OK;
  }
  await askDaemon(ctx, 'stop');
  for (let waited = 0; waited < 30_000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    if (!(await ping(ctx))) {
      if (ctx.json) printJson(ctx, { stopped: true, pid: running.pid });
      else ctx.out.write(`o4-agent daemon stopped (pid ${running.pid})\n`);
      return EXIT.OK;
    }
  }
  throw new O4Error('DAEMON', `the daemon (pid ${running.pid}) did not stop within 30 s`);
}

async function status(ctx: CliContext): Promise<number> {
  const s = await daemonStatus(ctx);
  if (!s) {
    if (ctx.json) printJson(ctx, { running: false });
    else ctx.err.write('o4-agent: the daemon is not running\n  hint: start it with: o4-agent daemon start\n');
    return EXIT.DAEMON;
  }
  if (ctx.json) {
    printJson(ctx, { running: true, ...s });
    return EXIT.OK;
  }
  ctx.out.write(`${describeDaemon(s)}\n`);
  return EXIT.OK;
}

/** Background hydration on hold or going again, and configuration reloads (also SIGHUP). */
async function control(ctx: CliContext, action: 'pause' | 'resume' | 'reload'): Promise<number> {
  const result = await askDaemon(ctx, action);
  const failed = (result as { reloaded?: boolean; error?: string }).reloaded === false;
  if (failed) throw new O4Error('CONFIG', `${(result as { error: string }).error} (the daemon keeps the previous configuration)`);
  if (ctx.json) printJson(ctx, result);
  else ctx.out.write(action === 'reload' ? 'configuration reloaded\n' : `background hydration ${action === 'pause' ? 'paused' : 'resumed'}\n`);
  return EXIT.OK;
}

async function installUnit(ctx: CliContext, args: DaemonArgs): Promise<number> {
  const home = args.home ?? ctx.env['O4_AGENT_HOME'];
  if (args.print) {
    ctx.out.write(renderUserUnit({ home }));
    return EXIT.OK;
  }
  const result = installUserUnit(args.unitDir ?? userUnitDir(ctx.env), { home, enable: args.enable ?? false });
  if (ctx.json) {
    printJson(ctx, result);
    return result.systemctl === 'reloaded' || result.systemctl === 'enabled' || result.systemctl === 'unavailable' ? EXIT.OK : EXIT.DAEMON;
  }
  ctx.out.write(`${result.changed ? 'wrote' : 'unchanged:'} ${result.path}\n`);
  switch (result.systemctl) {
    case 'enabled':
      ctx.out.write('enabled and started: systemctl --user status o4-agent\n');
      return EXIT.OK;
    case 'reloaded':
      ctx.out.write('next: systemctl --user enable --now o4-agent\n');
      return EXIT.OK;
    case 'unavailable':
      ctx.out.write('no systemd user manager answers here; on a machine with one: systemctl --user enable --now o4-agent\n');
      return EXIT.OK;
    default:
      throw new O4Error('DAEMON', `systemctl --user failed: ${result.systemctl}`);
  }
}
