import { O4Error } from '../errors.js';

/**
 * Perforce wildcards: `*` matches anything but a slash, `...` matches anything including slashes,
 * and a name may hold only one `...` (the Perforce concepts paper). The same rules apply whether
 * the name is in depot, client or local syntax. `%%n` positional wildcards belong to views only.
 */
export interface PathPattern {
  readonly source: string;
  readonly regex: RegExp;
  /** The text before the first wildcard: every match starts with it (an index range to scan). */
  readonly literalPrefix: string;
  readonly hasWildcards: boolean;
}

export function compilePattern(pattern: string): PathPattern {
  const ellipses = pattern.split('...').length - 1;
  if (ellipses > 1) throw new O4Error('USAGE', `${pattern}: a file name may contain only one "..." wildcard`);
  if (/%%\d/.test(pattern)) throw new O4Error('USAGE', `${pattern}: positional wildcards (%%n) are only meaningful in views`);
  if (/[#@]/.test(pattern))
    throw new O4Error('USAGE', `${pattern}: revision specifiers are not supported here; the ledger knows each file's revision`);
  let regex = '^';
  let literalEnd = -1;
  for (let i = 0; i < pattern.length;) {
    if (pattern.startsWith('...', i)) {
      if (literalEnd < 0) literalEnd = i;
      regex += '.*';
      i += 3;
    } else if (pattern[i] === '*') {
      if (literalEnd < 0) literalEnd = i;
      regex += '[^/]*';
      i++;
    } else {
      regex += pattern[i]!.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  const hasWildcards = literalEnd >= 0;
  return { source: pattern, regex: new RegExp(`${regex}$`), literalPrefix: hasWildcards ? pattern.slice(0, literalEnd) : pattern, hasWildcards };
}

/** The smallest string greater than every string starting with `prefix` (for index range scans). */
export function prefixUpperBound(prefix: string): string {
  return prefix + '\uffff';
}
