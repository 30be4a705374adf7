import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_CONFIG, configSchema } from '../../config/config.js';
import { O4Error, errnoCode } from '../../errors.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printJson, runVerb } from '../verb.js';
import { askDaemon } from '../daemon-link.js';

interface ConfigArgs extends GlobalArgs {
  action: 'get' | 'set' | 'unset' | 'list';
  key?: string;
  value?: string;
  defaults?: boolean;
}

const WORKSPACE_FIELDS = new Set(['port', 'prefetch', 'pin']);

export function run(args: ConfigArgs): Promise<number> {
  return runVerb(args, async (ctx) => {
    switch (args.action) {
      case 'list':
        return list(ctx, args.defaults ?? false);
      case 'get': {
        const path = keyPath(requireKey(args));
        const value = isKnownKey(path) ? getPath(ctx.config, path) : undefined;
        if (value === undefined) throw new O4Error('USAGE', `no setting ${args.key} (o4-agent config list shows them all)`);
        ctx.out.write(`${ctx.json || typeof value !== 'string' ? JSON.stringify(value, null, ctx.json ? 2 : undefined) : value}\n`);
        return EXIT.OK;
      }
      case 'set':
      case 'unset':
        return change(ctx, args);
    }
  });
}

function list(ctx: CliContext, defaults: boolean): number {
  const shown = defaults ? DEFAULT_CONFIG : ctx.config;
  if (ctx.json) printJson(ctx, { file: ctx.paths.config, config: shown });
  else {
    ctx.out.write(`# ${defaults ? 'defaults' : `effective settings (file: ${ctx.paths.config})`}\n`);
    for (const [k, v] of flatten(shown)) ctx.out.write(`${k} = ${JSON.stringify(v)}\n`);
  }
  return EXIT.OK;
}

/** Changes the file (not the defaults), validates the whole result, writes it atomically. */
async function change(ctx: CliContext, args: ConfigArgs): Promise<number> {
  const path = keyPath(requireKey(args));
  // Checked here, not left to the schema: unsetting an unknown key would otherwise "succeed".
  if (!isKnownKey(path)) throw new O4Error('USAGE', `unknown setting ${args.key} (o4-agent config list --defaults shows every setting)`);
  const raw = readRaw(ctx.paths.config);
  if (args.action === 'set') {
    if (args.value === undefined) throw new O4Error('USAGE', 'config set needs a value');
    setPath(raw, path, parseValue(args.value));
  } else unsetPath(raw, path);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new O4Error('USAGE', `${issue.path.join('.') || args.key}: ${issue.message}; the file was not changed`);
  }
  mkdirSync(dirname(ctx.paths.config), { recursive: true, mode: 0o700 });
  const tmp = `${ctx.paths.config}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(raw, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, ctx.paths.config);
  let reloaded = false;
  try {
    await askDaemon(ctx, 'reload');
    reloaded = true;
  } catch {
    // No daemon running: it reads the file when it starts.
  }
  if (ctx.json) printJson(ctx, { file: ctx.paths.config, key: args.key, value: getPath(parsed.data, path), daemonReloaded: reloaded });
  else
    ctx.out.write(
      `${args.key} ${args.action === 'set' ? `= ${JSON.stringify(getPath(parsed.data, path))}` : 'reset to its default'}${reloaded ? ' (daemon reloaded)' : ''}\n`,
    );
  return EXIT.OK;
}

function requireKey(args: ConfigArgs): string {
  if (!args.key) throw new O4Error('USAGE', `config ${args.action} needs a key, e.g. placeholders.mode`);
  return args.key;
}

/** Dotted keys; a workspace's client name may itself hold dots: workspaces.<client>.<field>. */
function keyPath(key: string): string[] {
  if (key.startsWith('workspaces.')) {
    const rest = key.slice('workspaces.'.length);
    const last = rest.lastIndexOf('.');
    if (last > 0 && WORKSPACE_FIELDS.has(rest.slice(last + 1))) return ['workspaces', rest.slice(0, last), rest.slice(last + 1)];
    return ['workspaces', rest];
  }
  return key.split('.');
}

/** A setting or section the schema declares; any client name under `workspaces`. */
function isKnownKey(path: readonly string[]): boolean {
  if (path[0] === 'workspaces') return path.length <= 2 || (path.length === 3 && WORKSPACE_FIELDS.has(path[2]!));
  let node: unknown = DEFAULT_CONFIG;
  for (const k of path) {
    // Own keys only: `p4.toString` is no setting.
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, k)) return false;
    node = (node as Record<string, unknown>)[k];
  }
  return true;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // a bare word is a string
  }
}

function readRaw(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return {};
    const what = err instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new O4Error('CONFIG', `configuration file ${file} ${what}: ${(err as Error).message}`, { file });
  }
}

function getPath(obj: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

/** Removes the key, and the sections it leaves empty: `{"p4": {}}` says nothing. */
function unsetPath(obj: Record<string, unknown>, path: readonly string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || !Object.hasOwn(obj, head)) return;
  const child = obj[head];
  if (rest.length > 0 && child !== null && typeof child === 'object' && !Array.isArray(child)) {
    unsetPath(child as Record<string, unknown>, rest);
    if (Object.keys(child).length > 0) return;
  } else if (rest.length > 0) return;
  delete obj[head];
}

function flatten(obj: unknown, prefix = ''): Array<[string, unknown]> {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [[prefix, obj]];
  const entries = Object.entries(obj as Record<string, unknown>);
  if (entries.length === 0) return [[prefix, obj]];
  return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}
