import { Hydrator, type FileResult, type HydrationSummary } from '../../hydrate/hydrator.js';
import { Selection } from '../../hydrate/selection.js';
import type { GlobalArgs } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatBytes, formatCount, formatDuration, formatRate, plural } from '../format.js';
import { cpuSeconds } from '../cpu-usage.js';
import { Progress } from '../progress.js';
import { printJson, runVerb } from '../verb.js';
import { askDaemon } from '../daemon-link.js';

interface HydrateArgs extends GlobalArgs {
  paths: string[];
  'dry-run'?: boolean;
  jobs?: number;
  background?: boolean;
}

export function run(args: HydrateArgs): Promise<number> {
  return runHydrate(args);
}

function runHydrate(args: HydrateArgs): Promise<number> {
  return runVerb(args, async (ctx) => {
    if (args.background) {
      const r = (await askDaemon(ctx, 'hydrate', { targets: args.paths, cwd: ctx.cwd })) as { queued: number };
      if (ctx.json) printJson(ctx, r);
      else ctx.out.write(`queued ${plural(r.queued, 'file')} for background hydration (o4-agent status shows progress)\n`);
      return EXIT.OK;
    }
    const ledger = ctx.ledger();
    const selection = Selection.resolve(ledger, args.paths, ctx.cwd);
    const isPlaceholder = (r: { state: string }) => r.state === 'placeholder';
    let total = 0;
    let totalBytes = 0;
    for (const page of selection.pages(isPlaceholder)) {
      total += page.length;
      for (const s of page) totalBytes += s.rec.fileSize ?? 0;
    }
    if (args['dry-run']) return dryRun(args, ctx, selection, total, totalBytes);
    if (total === 0) {
      if (ctx.json) printJson(ctx, { summary: merge([]), files: [] });
      else ctx.out.write('nothing to hydrate: every matching file already has its content\n');
      return EXIT.OK;
    }

    const config = args.jobs ? { ...ctx.config, p4: { ...ctx.config.p4, poolSize: Math.max(1, Math.floor(args.jobs)) } } : ctx.config;
    const hydrator = new Hydrator({ ledger, config, paths: ctx.paths, log: ctx.log, env: ctx.env });
    const abort = new AbortController();
    let interrupts = 0;
    const onSignal = () => {
      interrupts++;
      if (interrupts === 1) {
        ctx.err.write('\nstopping: files being installed finish, the rest stay placeholders (Ctrl-C again to quit at once)\n');
        abort.abort();
      } else process.exit(EXIT.INTERRUPTED);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    const progress = new Progress(ctx.err, 'hydrating', !ctx.json);
    const results: FileResult[] = [];
    let done = 0;
    let bytes = 0;
    let failed = 0;
    const onResult = (r: FileResult) => {
      done++;
      bytes += r.bytes ?? 0;
      if (r.outcome === 'failed') failed++;
      if (ctx.json) results.push(r);
      progress.update({ done, total, bytes, failed });
    };
    const summaries: HydrationSummary[] = [];
    try {
      for (const page of selection.pages(isPlaceholder)) {
        if (abort.signal.aborted) break;
        summaries.push(
          await hydrator.hydrate(
            page.map((s) => Hydrator.target(s.ws, s.rec)),
            { signal: abort.signal, onResult },
          ),
        );
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      progress.end();
      hydrator.close();
    }
    const summary = merge(summaries);
    if (ctx.json) printJson(ctx, { summary, cpuSeconds: cpuSeconds(), files: results });
    else printSummary(ctx.out, summary, ctx.verbose);
    if (abort.signal.aborted) return EXIT.INTERRUPTED;
    return summary.failed > 0 ? EXIT.PARTIAL : EXIT.OK;
  });
}

function dryRun(
  args: HydrateArgs,
  ctx: Parameters<Parameters<typeof runVerb>[1]>[0],
  selection: Selection,
  total: number,
  totalBytes: number,
): number {
  if (ctx.json) {
    const files = [];
    for (const page of selection.pages((r) => r.state === 'placeholder')) {
      for (const { ws, rec } of page)
        files.push({ client: ws.client, path: `${ws.root}/${rec.rel}`, depotFile: rec.depotFile, rev: rec.rev, fileSize: rec.fileSize });
    }
    printJson(ctx, { dryRun: true, files: total, bytes: totalBytes, list: files });
  } else {
    ctx.out.write(`would hydrate ${plural(total, 'file')} (${formatBytes(totalBytes)}) matching ${args.paths.join(' ')}\n`);
  }
  return EXIT.OK;
}

function printSummary(out: NodeJS.WritableStream, s: HydrationSummary, verbose: boolean): void {
  const sources = (['store', 'sibling', 'seed', 'server'] as const)
    .filter((k) => s.bySource[k].files > 0)
    .map((k) => `${k} ${formatCount(s.bySource[k].files)} (${formatBytes(s.bySource[k].bytes)})`);
  out.write(
    `hydrated ${plural(s.hydrated, 'file')}, ${formatBytes(s.bytes)} in ${formatDuration(s.durationMs)} (${formatRate(s.bytes, s.durationMs)})` +
      `${sources.length ? `\n  from: ${sources.join(', ')}` : ''}\n`,
  );
  if (s.skipped) out.write(`  skipped ${plural(s.skipped, 'file')} (changed locally or already hydrated)\n`);
  if (s.cancelled) out.write(`  not done ${plural(s.cancelled, 'file')} (interrupted; still placeholders)\n`);
  if (s.failed) {
    out.write(`  FAILED ${plural(s.failed, 'file')}; each keeps its placeholder:\n`);
    const shown = verbose ? s.failures : s.failures.slice(0, 10);
    for (const f of shown) out.write(`    ${f.path}: ${f.reason}\n`);
    if (shown.length < s.failures.length)
      out.write(`    … and ${formatCount(s.failures.length - shown.length)} more (--verbose or --json lists all)\n`);
  }
}

function merge(all: readonly HydrationSummary[]): HydrationSummary {
  const sum = (f: (s: HydrationSummary) => number) => all.reduce((a, s) => a + f(s), 0);
  const src = (k: 'store' | 'sibling' | 'seed' | 'server') => ({ files: sum((s) => s.bySource[k].files), bytes: sum((s) => s.bySource[k].bytes) });
  return {
    requested: sum((s) => s.requested),
    hydrated: sum((s) => s.hydrated),
    skipped: sum((s) => s.skipped),
    failed: sum((s) => s.failed),
    cancelled: sum((s) => s.cancelled),
    deferred: sum((s) => s.deferred),
    bytes: sum((s) => s.bytes),
    bySource: { store: src('store'), sibling: src('sibling'), seed: src('seed'), server: src('server') },
    durationMs: sum((s) => s.durationMs),
    failures: all.flatMap((s) => s.failures),
  };
}
