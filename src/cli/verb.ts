import { O4Error, describeError } from '../errors.js';
import { cliContext, type CliContext, type GlobalArgs } from './context.js';
import { EXIT, exitCodeFor, hintFor } from './exit-codes.js';

/**
 * Runs one CLI verb: builds its context, turns any failure into one clear line plus a hint (the
 * stack only with --verbose) and an exit code, and always closes what it opened.
 */
export async function runVerb(args: GlobalArgs, body: (ctx: CliContext) => Promise<number> | number): Promise<number> {
  let ctx: CliContext | undefined;
  try {
    ctx = cliContext(args);
    return await body(ctx);
  } catch (err) {
    const stream = process.stderr;
    if (err instanceof O4Error) {
      stream.write(`o4-agent: ${err.message}\n`);
      const hint = hintFor(err.code, err.message);
      if (hint) stream.write(`  hint: ${hint}\n`);
      if (args.verbose && err.stack) stream.write(`${err.stack}\n`);
      return exitCodeFor(err.code);
    }
    stream.write(`o4-agent: internal error: ${describeError(err)}\n`);
    if (args.verbose && err instanceof Error && err.stack) stream.write(`${err.stack}\n`);
    else stream.write('  hint: run again with --verbose for details, and please report it\n');
    return EXIT.ENVIRONMENT;
  } finally {
    ctx?.close();
  }
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.out.write(`${JSON.stringify(value, null, 2)}\n`);
}
