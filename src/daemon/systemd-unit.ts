import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { O4Error } from '../errors.js';
import { packageRoot } from '../module-paths.js';

/**
 * The systemd user unit for this installation: the shipped template (systemd/o4-agent.service)
 * with ExecStart pointing at this checkout's launcher, so `systemctl --user enable --now
 * o4-agent` works wherever o4-agent was installed, and a self-contained home travels along.
 */
export const UNIT_NAME = 'o4-agent.service';

export interface UnitOptions {
  /** The state directory the daemon should serve when it is not the default one. */
  readonly home?: string | undefined;
}

export function renderUserUnit(options: UnitOptions = {}): string {
  const template = readFileSync(join(packageRoot(), 'systemd', UNIT_NAME), 'utf8');
  const args = [join(packageRoot(), 'bin', 'o4-agent'), 'daemon', 'run', ...(options.home ? ['--home', options.home] : [])];
  const execStart = `ExecStart=${args.map(unitWord).join(' ')}`;
  if (!/^ExecStart=.*$/m.test(template)) throw new O4Error('CONFIG', `the unit template ${UNIT_NAME} has no ExecStart line`);
  return template.replace(/^ExecStart=.*$/m, execStart);
}

export function userUnitDir(env: NodeJS.ProcessEnv): string {
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'systemd', 'user');
}

export interface InstallResult {
  readonly path: string;
  readonly changed: boolean;
  /** What systemctl said when asked to pick the unit up, when it could be asked at all. */
  readonly systemctl: 'reloaded' | 'enabled' | 'unavailable' | string;
}

/** Writes the unit (atomically; unchanged content is left alone) and tells the user manager. */
export function installUserUnit(dir: string, options: UnitOptions & { enable?: boolean }): InstallResult {
  const path = join(dir, UNIT_NAME);
  const text = renderUserUnit(options);
  const changed = !existsSync(path) || readFileSync(path, 'utf8') !== text;
  if (changed) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${path}.tmp`, text, { mode: 0o644 });
    renameSync(`${path}.tmp`, path);
  }
  const reload = systemctl(['--user', 'daemon-reload']);
  if (reload !== 'ok') return { path, changed, systemctl: reload };
  if (!options.enable) return { path, changed, systemctl: 'reloaded' };
  const enable = systemctl(['--user', 'enable', '--now', UNIT_NAME]);
  return { path, changed, systemctl: enable === 'ok' ? 'enabled' : enable };
}

/** 'ok', 'unavailable' (no systemctl, or no user manager to talk to), or systemctl's complaint. */
function systemctl(args: string[]): string {
  const r = spawnSync('systemctl', args, { encoding: 'utf8', timeout: 30_000 });
  if (r.error) return 'unavailable';
  if (r.status === 0) return 'ok';
  const said = `${r.stderr}`.trim();
  return /Failed to connect to (user scope )?bus|No medium found|XDG_RUNTIME_DIR/i.test(said) ? 'unavailable' : said || `exit ${r.status}`;
}

/** Quotes one ExecStart word: systemd expands % specifiers and splits on spaces. */
function unitWord(word: string): string {
  const escaped = word.replace(/%/g, '%%');
  return /[\s"'\\$]/.test(escaped) ? `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '$$$$')}"` : escaped;
}
