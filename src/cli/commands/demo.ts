import { O4Error } from '../../errors.js';
import { runDemo } from '../../demo/demo.js';
import type { GlobalArgs } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printJson, runVerb } from '../verb.js';

interface DemoArgs extends GlobalArgs {
  files: number;
  keep?: boolean;
  dir?: string;
}

export function run(args: DemoArgs): Promise<number> {
  return runVerb(args, async (ctx) => {
    if (!Number.isInteger(args.files) || args.files < 10 || args.files > 1_000_000) {
      throw new O4Error('USAGE', `--files wants a whole number from 10 to 1,000,000 (got ${args.files})`);
    }
    const report = await runDemo({ files: args.files, keep: args.keep ?? false, dir: args.dir, out: ctx.out, narrate: !ctx.json });
    if (ctx.json) printJson(ctx, report);
    return EXIT.OK;
  });
}
