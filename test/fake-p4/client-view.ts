/**
 * A client view as the server applies it: each line maps a depot pattern to a client pattern with
 * `...` (any characters, `/` included), `*` (within one directory) and `%%1`–`%%9` (like `*`, matched
 * by number). Later lines override earlier ones, a `-` line unmaps, and a name is mapped only if
 * it maps back to itself (so a later line claiming the same client path hides an earlier one).
 * Not simulated: `+` overlay lines, quoting (lines are given as pairs), case folding.
 */
export type ViewLine = readonly [depot: string, client: string];

interface Pattern {
  readonly regex: RegExp;
  /** The literal text around the wildcards: one more element than wildcards. */
  readonly literals: readonly string[];
  readonly wildcards: readonly string[];
}

interface CompiledLine {
  readonly exclude: boolean;
  readonly depot: Pattern;
  readonly client: Pattern;
  /** For each client wildcard, the index of the depot wildcard it takes its text from (and back). */
  readonly depotToClient: readonly number[];
  readonly clientToDepot: readonly number[];
}

const WILDCARD = /(\.\.\.|\*|%%[1-9])/;

export class ClientView {
  private readonly lines: readonly CompiledLine[];

  /** Throws on a line the server would reject: wrong prefix, unbalanced wildcards. */
  constructor(view: readonly ViewLine[], clientName: string) {
    this.lines = view.map(([depot, client]) => compileLine(depot, client, clientName));
  }

  /** The client path (`//client/...`) of a depot file, or undefined when the view does not map it. */
  toClient(depotFile: string): string | undefined {
    const clientFile = this.translate(depotFile, 'depot');
    return clientFile !== undefined && this.translate(clientFile, 'client') === depotFile ? clientFile : undefined;
  }

  /** One direction: the last line whose `from` side matches decides. */
  private translate(name: string, from: 'depot' | 'client'): string | undefined {
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const line = this.lines[i]!;
      const m = line[from].regex.exec(name);
      if (!m) continue;
      if (line.exclude) return undefined;
      const [to, sources] = from === 'depot' ? [line.client, line.depotToClient] : [line.depot, line.clientToDepot];
      return to.literals.reduce((out, literal, k) => (k === 0 ? literal : out + m[sources[k - 1]! + 1]! + literal), '');
    }
    return undefined;
  }
}

function compileLine(depotSide: string, client: string, clientName: string): CompiledLine {
  const exclude = depotSide.startsWith('-');
  const depotPattern = exclude ? depotSide.slice(1) : depotSide;
  if (!/^\/\/[^/]+\/./.test(depotPattern)) throw new Error(`view line '${depotSide} ${client}': the depot side must be //depot/path`);
  if (!client.startsWith(`//${clientName}/`)) throw new Error(`view line '${depotSide} ${client}': the client side must start with //${clientName}/`);
  const depot = compilePattern(depotPattern);
  const clientPattern = compilePattern(client);
  const depotToClient = correspondence(depot.wildcards, clientPattern.wildcards);
  const clientToDepot = correspondence(clientPattern.wildcards, depot.wildcards);
  if (!depotToClient || !clientToDepot) throw new Error(`view line '${depotSide} ${client}': mismatched wildcards`);
  return { exclude, depot, client: clientPattern, depotToClient, clientToDepot };
}

function compilePattern(pattern: string): Pattern {
  const parts = pattern.split(WILDCARD);
  const literals = parts.filter((_, i) => i % 2 === 0);
  const wildcards = parts.filter((_, i) => i % 2 === 1);
  const source = parts.map((p, i) => (i % 2 === 0 ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : p === '...' ? '(.*)' : '([^/]*)')).join('');
  return { regex: new RegExp(`^${source}$`), literals, wildcards };
}

/**
 * For each wildcard of `to`, the index of the `from` wildcard it copies: `%%n` by number, `...` and
 * `*` in order of appearance and of the same kind. Undefined when the two sides do not balance.
 */
function correspondence(from: readonly string[], to: readonly string[]): number[] | undefined {
  if (from.length !== to.length) return undefined;
  const unnumbered = (ws: readonly string[]) => ws.flatMap((w, i) => (w.startsWith('%%') ? [] : [i]));
  const fromOrder = unnumbered(from);
  let next = 0;
  const out: number[] = [];
  for (const w of to) {
    const source = w.startsWith('%%') ? from.indexOf(w) : fromOrder[next++];
    if (source === undefined || source < 0 || from[source] !== w) return undefined;
    out.push(source);
  }
  return out;
}
