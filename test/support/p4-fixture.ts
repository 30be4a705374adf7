import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, lstatSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FakeDepot } from '../fake-p4/depot.js';
import { fakeP4BinDir } from '../fake-p4/depot.js';
import { AltsyncAgentProcess } from '../fake-p4/altsync-client.js';
import { AGENT_BIN, createSandbox, type Sandbox } from './sandbox.js';

/**
 * A fake Perforce server with revisions of every file type, a workspace whose placeholders were
 * made by the real agent (as `p4 sync` on an altsync workspace would), and helpers to run the CLI
 * and to compute the bytes a normal sync would have written (the fake's `p4 print -o`).
 */
export const PORT = 'fakehost:1666';
export const USER = 'alice';

export interface DepotFileSpec {
  readonly rel: string;
  readonly type: string;
  readonly content?: string | Buffer;
  readonly symlinkTarget?: string;
  /** add-request keys the server would send with this file. */
  readonly lineEnd?: string;
  readonly utf8bom?: number;
  readonly charset?: string;
  readonly keywords?: boolean;
  readonly writable?: boolean;
  readonly executable?: boolean;
}

export interface SyncedFile extends DepotFileSpec {
  readonly depotFile: string;
  readonly rev: number;
  readonly digest: string | null;
  readonly fileSize: number;
  readonly path: string;
}

export interface P4Fixture {
  readonly sb: Sandbox;
  readonly depot: FakeDepot;
  readonly env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function createP4Fixture(prefix = 'o4-e2e-', unicode = false): P4Fixture {
  const sb = createSandbox(prefix);
  const depotDir = join(sb.dir, 'depot');
  const depot = FakeDepot.create(depotDir, { port: PORT, unicode });
  const env: NodeJS.ProcessEnv = {
    ...sb.env,
    PATH: `${fakeP4BinDir()}:${process.env['PATH'] ?? ''}`,
    FAKE_P4_DEPOT: depotDir,
    P4USER: USER,
  };
  delete env['P4CONFIG'];
  return { sb, depot, env, cleanup: () => sb.cleanup() };
}

/** Submits the files at //depot/main/<rel> and returns what the server recorded. */
export function submitFiles(
  fx: P4Fixture,
  files: readonly DepotFileSpec[],
): Array<DepotFileSpec & { depotFile: string; rev: number; digest: string | null; fileSize: number }> {
  const result = fx.depot.submit(
    files.map((f) => ({
      depotFile: `//depot/main/${f.rel}`,
      type: f.type,
      ...(f.content !== undefined && { content: f.content }),
      ...(f.symlinkTarget !== undefined && { symlinkTarget: f.symlinkTarget }),
    })),
    { user: USER },
  );
  return files.map((f, i) => ({ ...f, ...result.files[i]! }));
}

/**
 * Makes placeholders for the files in workspace `client` at `root` through the real agent, with the
 * add requests a 2023.1+ server sends.
 */
export async function syncPlaceholders(
  fx: P4Fixture,
  client: string,
  root: string,
  files: ReadonlyArray<DepotFileSpec & { depotFile: string; rev: number; digest: string | null; fileSize: number }>,
): Promise<SyncedFile[]> {
  fx.depot.defineClient(client, { root, view: [['//depot/main/...', `//${client}/...`]], options: ['altsync'], owner: USER });
  const agent = new AltsyncAgentProcess({
    p4altsync: `"${AGENT_BIN}" altsync`,
    env: fx.env,
    cwd: fx.sb.dir,
    identity: { port: PORT, client, user: USER },
  });
  try {
    const check = await agent.request('check', { clientRoot: root });
    if (!check.verdict.ok) throw new Error(`check failed: ${check.raw}`);
    const synced: SyncedFile[] = [];
    for (const f of files) {
      const vars: Record<string, string> = {
        path: join(root, f.rel),
        clientFile: `//${client}/${f.rel}`,
        depotFile: f.depotFile,
        rev: String(f.rev),
        fileSize: String(f.fileSize),
        fileType: f.type,
        writable: f.writable ? 'true' : 'false',
        executable: f.executable ? 'true' : 'false',
        noclobber: 'true',
        keywords: f.keywords ? '1' : '0',
        ...(f.digest !== null && { digest: f.digest }),
        ...(f.lineEnd !== undefined && { lineEnd: f.lineEnd }),
        ...(f.utf8bom !== undefined && { utf8bom: String(f.utf8bom) }),
        ...(f.charset !== undefined && { charset: f.charset }),
      };
      const ex = await agent.request('add', vars);
      if (!ex.verdict.ok) throw new Error(`add ${f.rel} failed: ${ex.raw}`);
      synced.push({ ...f, path: join(root, f.rel) });
    }
    return synced;
  } finally {
    await agent.quit();
  }
}

/** The bytes a normal sync writes for this file: the fake client's own `p4 print -o`. */
export function referenceBytes(fx: P4Fixture, client: string, f: SyncedFile): Buffer | { symlink: string } {
  const dir = mkdtempSync(join(fx.sb.dir, 'ref-'));
  try {
    const out = join(dir, 'file');
    // As the P4 client's own sync would write it: its P4CHARSET decides the content charset.
    const charset = f.charset !== undefined && f.charset !== '0' ? charsetArg(f.charset) : undefined;
    const args = ['-p', PORT, '-u', USER, '-c', client, ...(charset ? ['-C', charset] : []), 'print', '-q', '-o', out];
    if (!f.keywords) args.push('-K');
    if (f.lineEnd) args.push('-L', f.lineEnd === 'local' || f.lineEnd === 'share' ? 'unix' : f.lineEnd);
    if (f.utf8bom !== undefined) args.push('-B', String(f.utf8bom));
    args.push(`${f.depotFile}#${f.rev}`);
    const r = spawnSync('p4', args, { env: fx.env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`reference print failed: ${r.stderr}`);
    return lstatSync(out).isSymbolicLink() ? { symlink: readlinkSync(out) } : readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CHARSET_NAMES: Record<string, string> = { '1': 'utf8', '2': 'iso8859-1', '17': 'utf16', '18': 'utf8-bom' };

function charsetArg(code: string): string {
  return CHARSET_NAMES[code] ?? code;
}

/** Runs the real CLI. */
export function o4(fx: P4Fixture, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(AGENT_BIN, [...args], { env: opts.env ?? fx.env, cwd: opts.cwd ?? fx.sb.dir, encoding: 'utf8', timeout: 120_000 });
}

export function writeConfig(fx: P4Fixture, config: unknown): void {
  mkdirSync(fx.sb.home, { recursive: true });
  writeFileSync(join(fx.sb.home, 'config.json'), JSON.stringify(config));
}
