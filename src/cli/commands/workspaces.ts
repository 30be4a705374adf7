import type { GlobalArgs } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { columns, formatBytes, formatCount } from '../format.js';
import { findWorkspaces } from '../locate.js';
import { printJson, runVerb } from '../verb.js';

interface ForgetArgs extends GlobalArgs {
  client: string;
  port?: string;
}

export function runWorkspaces(args: GlobalArgs): Promise<number> {
  return runVerb(args, (ctx) => {
    const ledger = ctx.ledger();
    const list = ledger.workspaces().map((ws) => {
      const counts = ledger.stateCounts(ws.id);
      const files = counts.reduce((a, c) => a + c.files, 0);
      const hydrated = counts.find((c) => c.state === 'hydrated')?.files ?? 0;
      const bytes = counts.reduce((a, c) => a + c.bytes, 0);
      return {
        client: ws.client,
        port: ws.port,
        root: ws.root,
        user: ws.user,
        files,
        bytes,
        hydrated,
        lastSeen: new Date(ws.updatedAt).toISOString(),
      };
    });
    if (ctx.json) printJson(ctx, { workspaces: list });
    else if (list.length === 0) ctx.out.write('no workspaces yet\n');
    else {
      const rows = [['CLIENT', 'PORT', 'ROOT', 'FILES', 'HYDRATED', 'SIZE']];
      for (const w of list) rows.push([w.client, w.port, w.root, formatCount(w.files), formatCount(w.hydrated), formatBytes(w.bytes)]);
      ctx.out.write(`${columns(rows)}\n`);
    }
    return EXIT.OK;
  });
}

export function runForget(args: ForgetArgs): Promise<number> {
  return runVerb(args, (ctx) => {
    const ledger = ctx.ledger();
    const found = findWorkspaces(ledger, args.client, args.port);
    if (found.length > 1) {
      ctx.err.write(`o4-agent: ${args.client} exists on several servers: ${found.map((w) => w.port).join(', ')}\n  hint: add --port\n`);
      return EXIT.USAGE;
    }
    const ws = found[0]!;
    const files = ledger.forgetWorkspace(ws.id);
    if (ctx.json) printJson(ctx, { forgotten: { client: ws.client, port: ws.port, root: ws.root, files } });
    else ctx.out.write(`forgot ${ws.client} on ${ws.port} (${formatCount(files)} files; nothing on disk was changed)\n`);
    return EXIT.OK;
  });
}
