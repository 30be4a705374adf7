/**
 * SIMULATOR FOR TESTS AND THE DEMO — this is not Perforce and talks to no Perforce server.
 *
 * The depot behind the fake `p4` (test/fake-p4/bin/p4): a directory holding depot.json (metadata
 * only: server address, users, changes, revisions, client specs, each client's have list and
 * opened files) and archive/ (revision content, stored once per content hash). Tests and the demo
 * build and change it in-process through this admin API; fake p4 runs change only have lists and
 * opened files. Every change re-reads depot.json under a lock and replaces it atomically.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replaceFile, withLock } from './atomic-file.js';
import { ClientView } from './client-view.js';
import { parseFileType, storedForm, type LineEnd } from './filetypes.js';
import { readInvocations, type Invocation } from './invocations.js';
import { expandKeywords } from './keywords.js';

export type FileAction = 'add' | 'edit' | 'delete';

export interface RevisionInfo {
  depotFile: string;
  rev: number;
  change: number;
  action: FileAction;
  type: string;
  /** epoch seconds */
  time: number;
  /** Uppercase hex MD5 of the stored form (of its keyword expansion for +k/+ko); null for deletes. */
  digest: string | null;
  /** Bytes of the stored, unexpanded form. */
  fileSize: number;
  user: string;
  storedContent(): Buffer;
}

export interface ClientSpec {
  root: string;
  view: Array<[string, string]>;
  options: string[];
  lineEnd: LineEnd;
  owner?: string;
}

/** A file the client has: the revision and where the view put it when it was synced. */
export interface HaveEntry {
  readonly depotFile: string;
  readonly clientFile: string;
  readonly rev: number;
}

/** A file opened in the default change (only `edit` is simulated). */
export interface OpenedEntry extends HaveEntry {
  readonly action: 'edit';
}

export interface SubmitFile {
  depotFile: string;
  /** default: the head revision's type, else 'text' */
  type?: string;
  /** Text types: UTF-8 text with LF line ends. */
  content?: string | Buffer;
  symlinkTarget?: string;
  action?: FileAction;
}

export interface SubmitResult {
  change: number;
  files: Array<{ depotFile: string; rev: number; digest: string | null; fileSize: number }>;
}

/** A revision as depot.json keeps it: its content is a file in archive/. */
type StoredRevision = Omit<RevisionInfo, 'depotFile' | 'storedContent'> & {
  /** archive/ file name; null for deletes */
  blob: string | null;
};

interface DepotState {
  port: string;
  unicode: boolean;
  users: Record<string, { loggedIn: boolean }>;
  lastChange: number;
  changes: Record<string, { user: string; description: string; time: number }>;
  files: Record<string, StoredRevision[]>;
  clients: Record<string, ClientSpec>;
  /** client → depotFile → entry */
  haves: Record<string, Record<string, HaveEntry>>;
  opened: Record<string, Record<string, OpenedEntry>>;
  /** dm.altsync.enforce: altsync clients must have P4ALTSYNC set. */
  altsyncEnforce: boolean;
}

const DEFAULT_PORT = 'fakehost:1666';
const DEFAULT_SUBMITTER = 'admin';
/** What `p4 client` offers a new workspace. */
const DEFAULT_CLIENT_OPTIONS = ['noallwrite', 'noclobber', 'nocompress', 'unlocked', 'nomodtime', 'normdir', 'noaltsync'];

export class FakeDepot {
  private constructor(
    readonly dir: string,
    private state: DepotState,
  ) {}

  static create(dir: string, opts: { port?: string; unicode?: boolean; users?: Record<string, { loggedIn?: boolean }> } = {}): FakeDepot {
    mkdirSync(join(dir, 'archive'), { recursive: true });
    const users: DepotState['users'] = {};
    for (const [name, u] of Object.entries(opts.users ?? {})) users[name] = { loggedIn: u.loggedIn ?? true };
    const depot = new FakeDepot(dir, {
      port: opts.port ?? DEFAULT_PORT,
      unicode: opts.unicode ?? false,
      users,
      lastChange: 0,
      changes: {},
      files: {},
      clients: {},
      haves: {},
      opened: {},
      altsyncEnforce: false,
    });
    depot.save();
    return depot;
  }

  static open(dir: string): FakeDepot {
    return new FakeDepot(dir, FakeDepot.load(dir));
  }

  /** The directory holds a depot (what the fake p4 checks before anything else). */
  static exists(dir: string): boolean {
    return existsSync(join(dir, 'depot.json'));
  }

  get port(): string {
    return this.state.port;
  }

  get unicode(): boolean {
    return this.state.unicode;
  }

  get altsyncEnforce(): boolean {
    return this.state.altsyncEnforce;
  }

  submit(files: SubmitFile[], opts: { user?: string; description?: string; time?: Date } = {}): SubmitResult {
    if (files.length === 0) throw new Error('No files to submit.');
    const seen = new Set<string>();
    for (const f of files) {
      checkDepotPath(f.depotFile);
      if (seen.has(f.depotFile)) throw new Error(`${f.depotFile} appears twice in one change`);
      seen.add(f.depotFile);
    }
    const user = opts.user ?? DEFAULT_SUBMITTER;
    const time = Math.floor((opts.time ?? new Date()).getTime() / 1000);
    let change = 0;
    let prepared: Array<[string, StoredRevision]> = [];
    this.update(() => {
      change = this.state.lastChange + 1;
      // Everything is prepared before depot.json changes: a failed submit leaves at most an unreferenced blob.
      prepared = files.map((f) => this.prepare(f, change, user, time));
      for (const [depotFile, revision] of prepared) (this.state.files[depotFile] ??= []).push(revision);
      this.state.lastChange = change;
      this.state.changes[String(change)] = { user, description: opts.description ?? 'fake p4 change', time };
    });
    return {
      change,
      files: prepared.map(([depotFile, r]) => ({ depotFile, rev: r.rev, digest: r.digest, fileSize: r.fileSize })),
    };
  }

  private prepare(f: SubmitFile, change: number, user: string, time: number): [string, StoredRevision] {
    const history = this.state.files[f.depotFile] ?? [];
    const head = history[history.length - 1];
    const live = head !== undefined && head.action !== 'delete';
    const action = f.action ?? (live ? 'edit' : 'add');
    if (action === 'add' && live) throw new Error(`${f.depotFile} already exists: submit an edit`);
    if (action !== 'add' && !live) throw new Error(`${f.depotFile} does not exist at head: cannot ${action} it`);
    const rev = (head?.rev ?? 0) + 1;
    const type = f.type ?? head?.type ?? 'text';
    if (action === 'delete') return [f.depotFile, { rev, change, action, type, time, digest: null, fileSize: 0, user, blob: null }];
    const ft = parseFileType(type);
    const stored = storedForm(ft, f.content, f.symlinkTarget);
    // INFERENCE (spec §8.3): for +k/+ko the server's digest covers the expanded text of the revision.
    const digested = ft.keywords ? expandKeywords(stored, ft.keywords, { depotFile: f.depotFile, rev, change, time, user }) : stored;
    return [f.depotFile, { rev, change, action, type, time, digest: md5(digested), fileSize: stored.length, user, blob: this.storeBlob(stored) }];
  }

  private storeBlob(content: Buffer): string {
    const name = createHash('sha256').update(content).digest('hex');
    const path = join(this.dir, 'archive', name);
    if (!existsSync(path)) replaceFile(path, content, 0o444);
    return name;
  }

  revision(depotFile: string, rev?: number): RevisionInfo | undefined {
    const history = this.state.files[depotFile];
    const r = rev === undefined ? history?.[history.length - 1] : history?.[rev - 1];
    return r && this.revisionInfo(depotFile, r);
  }

  /** Every revision of a file, oldest first (empty when the file never existed). */
  revisions(depotFile: string): RevisionInfo[] {
    return (this.state.files[depotFile] ?? []).map((r) => this.revisionInfo(depotFile, r));
  }

  /** Every depot path that has revisions, sorted as the server lists them. */
  depotFiles(): string[] {
    return Object.keys(this.state.files).sort();
  }

  private revisionInfo(depotFile: string, r: StoredRevision): RevisionInfo {
    const blob = r.blob && join(this.dir, 'archive', r.blob);
    return {
      depotFile,
      rev: r.rev,
      change: r.change,
      action: r.action,
      type: r.type,
      time: r.time,
      digest: r.digest,
      fileSize: r.fileSize,
      user: r.user,
      storedContent: () => (blob ? readFileSync(blob) : Buffer.alloc(0)),
    };
  }

  /**
   * Creates or replaces a client spec. Throws for a view the server would reject, and (as the
   * server does) for a change of the altsync option while the have list is not empty.
   */
  defineClient(name: string, spec: { root: string; view: Array<[string, string]>; options?: string[]; lineEnd?: LineEnd; owner?: string }): void {
    new ClientView(spec.view, name);
    const options = spec.options ?? DEFAULT_CLIENT_OPTIONS;
    this.update(() => {
      const before = this.state.clients[name];
      const haves = Object.keys(this.state.haves[name] ?? {}).length;
      if (before && before.options.includes('altsync') !== options.includes('altsync') && haves > 0) {
        throw new Error("Cannot change client 'altSync' option when have list is not empty.");
      }
      this.state.clients[name] = { ...spec, options, lineEnd: spec.lineEnd ?? 'local' };
    });
  }

  client(name: string): ClientSpec | undefined {
    return this.state.clients[name];
  }

  /** The client's have list, sorted by depot path; read afresh, as fake p4 runs change it. */
  have(client: string): HaveEntry[] {
    this.state = FakeDepot.load(this.dir);
    return sortedEntries(this.state.haves[client]);
  }

  /** The client's opened files, sorted by depot path; read afresh like have(). */
  opened(client: string): OpenedEntry[] {
    this.state = FakeDepot.load(this.dir);
    return sortedEntries(this.state.opened[client]);
  }

  /** Sets (or with null, removes) have entries, keyed by depot path. */
  updateHave(client: string, changes: ReadonlyMap<string, HaveEntry | null>): void {
    this.update(() => applyChanges((this.state.haves[client] ??= {}), changes));
  }

  updateOpened(client: string, changes: ReadonlyMap<string, OpenedEntry | null>): void {
    this.update(() => applyChanges((this.state.opened[client] ??= {}), changes));
  }

  /** The server configurable dm.altsync.enforce (0/1). */
  setAltsyncEnforce(enforce: boolean): void {
    this.update(() => (this.state.altsyncEnforce = enforce));
  }

  setUser(name: string, opts: { loggedIn: boolean }): void {
    this.update(() => (this.state.users[name] = { loggedIn: opts.loggedIn }));
  }

  /** A user the depot does not list counts as logged in. */
  loggedIn(user: string): boolean {
    return this.state.users[user]?.loggedIn ?? true;
  }

  invocations(): Invocation[] {
    return readInvocations(this.dir);
  }

  private static load(dir: string): DepotState {
    // Depots written before have lists existed lack the newer fields.
    return {
      haves: {},
      opened: {},
      altsyncEnforce: false,
      ...(JSON.parse(readFileSync(join(dir, 'depot.json'), 'utf8')) as Partial<DepotState>),
    } as DepotState;
  }

  /**
   * Mutations start from what is on disk, under a lock, so two handles (the test's and several
   * fake p4 runs) do not undo each other. A mutation that throws leaves depot.json as it was.
   */
  private update(mutate: () => void): void {
    withLock(join(this.dir, 'depot.lock'), () => {
      this.state = FakeDepot.load(this.dir);
      mutate();
      this.save();
    });
  }

  private save(): void {
    replaceFile(join(this.dir, 'depot.json'), JSON.stringify(this.state));
  }
}

function sortedEntries<T extends HaveEntry>(table: Record<string, T> | undefined): T[] {
  return Object.values(table ?? {}).sort((a, b) => (a.depotFile < b.depotFile ? -1 : a.depotFile > b.depotFile ? 1 : 0));
}

function applyChanges<T>(table: Record<string, T>, changes: ReadonlyMap<string, T | null>): void {
  for (const [depotFile, entry] of changes) {
    if (entry) table[depotFile] = entry;
    else delete table[depotFile];
  }
}

/** test/fake-p4/bin, the directory to put first on PATH (this module runs from dist/test/fake-p4). */
export function fakeP4BinDir(): string {
  return fileURLToPath(new URL('../../../test/fake-p4/bin', import.meta.url));
}

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex').toUpperCase();
}

function checkDepotPath(depotFile: string): void {
  if (!/^\/\/[^/]+\/.+[^/]$/.test(depotFile) || /\.\.\.|[*@#]/.test(depotFile)) {
    throw new Error(`'${depotFile}' is not a depot file path (//depot/dir/name, with @ # * % escaped as %40 %23 %2A %25)`);
  }
}
