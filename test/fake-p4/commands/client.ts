import { E_FAILED, EV_USAGE } from '../client-user.js';
import type { ClientSpec } from '../depot.js';
import { fullOptions } from '../workspace.js';
import type { Command } from './command.js';

/**
 * `client -o [name]`: the client spec as the form `p4 client` edits (no Update/Access/Host
 * fields). A client the depot does not know gets the spec `p4 client` would offer: the current
 * directory as root and the whole depot in view.
 */
export const client: Command = {
  anonymous: false,
  run({ ui, depot, options }, args) {
    if (args[0] !== '-o' || args.length > 2) {
      ui.message({ text: "fake p4: only 'client -o [name]' is simulated.", severity: E_FAILED, generic: EV_USAGE });
      return;
    }
    const name = args[1] ?? options.client;
    const spec: ClientSpec = depot.client(name) ?? { root: options.cwd, view: [['//depot/...', `//${name}/...`]], options: [], lineEnd: 'local' };
    const owner = spec.owner ?? options.user;
    const fields: Array<[string, string]> = [
      ['Client', name],
      ['Owner', owner],
      ['Description', `Created by ${owner}.`],
      ['Root', spec.root],
      ['Options', fullOptions(spec.options).join(' ')],
      ['SubmitOptions', 'submitunchanged'],
      ['LineEnd', spec.lineEnd],
    ];
    const view = spec.view.map(([d, c]) => `${quoted(d)} ${quoted(c)}`);
    if (ui.marshal) {
      ui.stat(Object.fromEntries([...fields, ...view.map((line, i): [string, string] => [`View${i}`, line])]));
      return;
    }
    const form = fields.map(([k, v]) => (k === 'Description' ? `${k}:\n\t${v}` : `${k}:\t${v}`));
    ui.info(['# A Perforce Client Specification.', '', ...form.flatMap((f) => [f, '']), 'View:', ...view.map((line) => `\t${line}`), ''].join('\n'));
  },
};

/** A view path with spaces is quoted in the form. */
function quoted(path: string): string {
  return /\s/.test(path) ? `"${path}"` : path;
}
