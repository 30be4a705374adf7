import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { O4Error } from '../errors.js';
import { packageRoot } from '../module-paths.js';

/**
 * The demo's server: the Perforce simulator the test suite uses (test/fake-p4), loaded from the
 * build at run time so that nothing under src/ depends on it and the shipped agent never talks to
 * anything but a real `p4`. Only the demo, which exists for machines without a server, uses it.
 */
export interface DemoDepotApi {
  submit(
    files: Array<{ depotFile: string; type: string; content?: string | Buffer; symlinkTarget?: string }>,
    opts: { user: string; description?: string },
  ): unknown;
  defineClient(name: string, spec: { root: string; view: Array<[string, string]>; options: string[]; owner: string }): void;
  invocations(): Array<Record<string, unknown>>;
}

export interface Simulator {
  /** Directory to put first on PATH: its `p4` is the simulator's client. */
  readonly binDir: string;
  create(dir: string, port: string): DemoDepotApi;
}

export async function loadSimulator(): Promise<Simulator> {
  const root = packageRoot();
  const module = join(root, 'dist', 'test', 'fake-p4', 'depot.js');
  const binDir = join(root, 'test', 'fake-p4', 'bin');
  if (!existsSync(module) || !existsSync(join(binDir, 'p4'))) {
    throw new O4Error('CONFIG', `the demo needs the simulated Perforce server of the test suite (${module}); run 'npm run build' in ${root}`);
  }
  const { FakeDepot } = (await import(pathToFileURL(module).href)) as {
    FakeDepot: { create(dir: string, opts: { port: string }): DemoDepotApi };
  };
  return { binDir, create: (dir, port) => FakeDepot.create(dir, { port }) };
}
