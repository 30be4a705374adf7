import { relative, sep } from 'node:path';
import { ClientView } from './client-view.js';
import type { ClientSpec } from './depot.js';

/**
 * A client spec as the commands use it: the view, client ↔ local paths (`//client/rel` is
 * `root/rel`) and the options that change how files are written. Options are given as the spec
 * lists them, e.g. ['allwrite', 'rmdir']; a missing option takes the value `p4 client` offers.
 */
const OPTION_NAMES = ['allwrite', 'clobber', 'compress', 'locked', 'modtime', 'rmdir', 'altsync'] as const;
type OptionName = (typeof OPTION_NAMES)[number];

/** Every option in spec order, each as set or in its negative form (`noallwrite`, `unlocked`). */
export function fullOptions(options: readonly string[]): string[] {
  return OPTION_NAMES.map((name) => (options.includes(name) ? name : name === 'locked' ? 'unlocked' : `no${name}`));
}

export class Workspace {
  readonly view: ClientView;

  constructor(
    readonly name: string,
    readonly spec: ClientSpec,
  ) {
    this.view = new ClientView(spec.view, name);
  }

  has(option: OptionName): boolean {
    return this.spec.options.includes(option);
  }

  get root(): string {
    return this.spec.root;
  }

  localPath(clientFile: string): string {
    return `${this.root}/${clientFile.slice(this.name.length + 3)}`;
  }

  /** The client path of a local path under the root (wildcards kept), or undefined outside it. */
  clientPathOf(localPath: string): string | undefined {
    const rel = relative(this.root, localPath);
    if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return undefined;
    return `//${this.name}/${rel.split(sep).join('/')}`;
  }
}
