import { E_FAILED, E_WARN, EV_EMPTY, EV_USAGE, type ServerMessage } from './client-user.js';
import type { FakeDepot, RevisionInfo } from './depot.js';

/**
 * File arguments in depot syntax with an optional revision: `//depot/a.c`, `#N`, `#head`,
 * `#none`/`#0`, `@change`; `...` and `*` wildcards. Client and local syntax, ranges, labels and
 * `#have` are not simulated and say so.
 */
export type FileArgResult = { readonly revisions: RevisionInfo[] } | { readonly message: ServerMessage };

/**
 * The revisions an argument names, newest first per file: the one at the revision, or with
 * `all` (print -a) every revision up to it. Deleted revisions are never returned.
 */
export function resolveFileArg(depot: FakeDepot, arg: string, all: boolean): FileArgResult {
  const at = arg.search(/[#@]/);
  const path = at < 0 ? arg : arg.slice(0, at);
  const spec = at < 0 ? '#head' : arg.slice(at);
  if (!path.startsWith('//')) return unsimulated(`fake p4: only depot syntax (//...) is simulated: '${arg}'.`);
  const upTo = revisionPicker(spec);
  if (!upTo) return unsimulated(`fake p4: revision '${spec}' is not simulated.`);
  const files = /\.\.\.|\*/.test(path) ? depot.depotFiles().filter((f) => wildcard(path).test(f)) : [path];
  const histories = files.map((f) => depot.revisions(f)).filter((h) => h.length > 0);
  if (histories.length === 0) return { message: { text: `${arg} - no such file(s).`, severity: E_WARN, generic: EV_EMPTY } };
  const revisions = histories.flatMap((history) => {
    const named = upTo(history);
    return (all ? named.reverse() : named.slice(-1)).filter((r) => r.action !== 'delete');
  });
  if (revisions.length === 0) return { message: { text: `${arg} - no file(s) at that revision.`, severity: E_WARN, generic: EV_EMPTY } };
  return { revisions };
}

/** The revisions of a history (oldest first) at or below the specifier; `#N` beyond head names none. */
export function revisionPicker(spec: string): ((history: RevisionInfo[]) => RevisionInfo[]) | undefined {
  if (spec === '#head') return (h) => h;
  if (spec === '#none' || spec === '#0') return () => [];
  const m = /^([#@])(\d+)$/.exec(spec);
  if (!m) return undefined;
  const n = Number(m[2]);
  return m[1] === '#' ? (h) => (n <= h.length ? h.slice(0, n) : []) : (h) => h.filter((r) => r.change <= n);
}

/** `...` matches across directories, `*` within one. */
export function wildcard(pattern: string): RegExp {
  const parts = pattern.split(/(\.\.\.|\*)/).map((p) => (p === '...' ? '.*' : p === '*' ? '[^/]*' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('')}$`);
}

function unsimulated(text: string): FileArgResult {
  return { message: { text, severity: E_FAILED, generic: EV_USAGE } };
}
