import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { O4Error } from '../../errors.js';
import { prettyLine } from '../../log/pretty.js';
import type { GlobalArgs } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { runVerb } from '../verb.js';

interface LogsArgs extends GlobalArgs {
  follow?: boolean;
  lines?: number;
}

/** The shared log of every o4-agent process, readable; --json prints the records as they are. */
export function run(args: LogsArgs): Promise<number> {
  return runVerb(args, async (ctx) => {
    const count = args.lines ?? 50;
    // yargs passes `-n abc` on as NaN, and slice(-0) or slice(-NaN) would print the whole log.
    if (!Number.isInteger(count) || count < 0) throw new O4Error('USAGE', `--lines wants a whole number of records, 0 or more (got ${args.lines})`);
    const file = ctx.paths.agentLog;
    const color = (ctx.out as NodeJS.WriteStream).isTTY === true;
    const show = (line: string) => line && ctx.out.write(`${ctx.json ? line : prettyLine(line, color)}\n`);
    let offset = 0;
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      ctx.err.write(`no log yet at ${file}\n`);
      if (!args.follow) return EXIT.OK;
    }
    const from = Math.max(0, size - 4 * 1024 * 1024);
    const tail = readRange(file, from, size).split('\n');
    if (from > 0) tail.shift(); // the read began inside a record: not one to show
    const records = tail.filter(Boolean);
    for (const line of count === 0 ? [] : records.slice(-count)) show(line);
    offset = size;
    if (!args.follow) return EXIT.OK;
    let partial = '';
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      let now = 0;
      try {
        now = statSync(file).size;
      } catch {
        continue; // rotated away for a moment
      }
      if (now < offset) offset = 0; // rotated: the new file starts from the beginning
      if (now === offset) continue;
      const lines = (partial + readRange(file, offset, now)).split('\n');
      partial = lines.pop() ?? '';
      offset = now;
      for (const line of lines) show(line);
    }
  });
}

function readRange(file: string, from: number, to: number): string {
  if (to <= from) return '';
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(to - from);
    readSync(fd, buf, 0, buf.length, from);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
