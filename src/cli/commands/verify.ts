import { O4Error } from '../../errors.js';
import { verifyWorkspace, type Finding } from '../../maintenance/verify.js';
import type { GlobalArgs } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatCount, plural } from '../format.js';
import { locatePath } from '../locate.js';
import { printJson, runVerb } from '../verb.js';

interface VerifyArgs extends GlobalArgs {
  path?: string;
  digest?: boolean;
  repair?: boolean;
  'recreate-missing'?: boolean;
}

export function run(args: VerifyArgs): Promise<number> {
  return runVerb(args, (ctx) => {
    // Alone it would quietly do nothing: only a repair re-creates files.
    if (args['recreate-missing'] && !args.repair) throw new O4Error('USAGE', '--recreate-missing works together with --repair');
    const ledger = ctx.ledger();
    const scopes = args.path === undefined ? ledger.workspaces().map((ws) => ({ ws, rel: '' })) : [locatePath(ledger, ctx.cwd, args.path)];
    const opts = {
      digest: args.digest ?? false,
      repair: args.repair ?? false,
      recreateMissing: args['recreate-missing'] ?? false,
      placeholderMode: ctx.config.placeholders.mode,
    };
    let checked = 0;
    const findings: Finding[] = [];
    for (const { ws, rel } of scopes) {
      const r = verifyWorkspace(ledger, ws, rel === '' ? '' : `${rel}/`, opts);
      checked += r.checked;
      findings.push(...r.findings);
    }
    const unrepaired = findings.filter((f) => !f.repair || f.repair.startsWith('not repaired'));
    if (ctx.json) printJson(ctx, { checked, findings, unrepaired: unrepaired.length });
    else {
      const shown = ctx.verbose ? findings : findings.slice(0, 50);
      for (const f of shown) ctx.out.write(`${f.kind.padEnd(16)} ${f.path}: ${f.detail}${f.repair ? ` — ${f.repair}` : ''}\n`);
      if (shown.length < findings.length) ctx.out.write(`… and ${formatCount(findings.length - shown.length)} more (--verbose lists all)\n`);
      ctx.out.write(
        `checked ${plural(checked, 'file')}${opts.digest ? ' (with content digests)' : ''}: ` +
          (findings.length === 0
            ? 'ledger and disk agree\n'
            : `${plural(findings.length, 'mismatch', 'mismatches')}${opts.repair ? `, ${formatCount(findings.length - unrepaired.length)} repaired` : ' (o4-agent verify --repair fixes them)'}\n`),
      );
    }
    return unrepaired.length > 0 ? EXIT.PARTIAL : EXIT.OK;
  });
}
