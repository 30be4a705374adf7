/**
 * RCS keyword expansion as the server applies it to `+k` (all keywords) and `+ko` ($Id$ and
 * $Header$ only) revisions. An already expanded `$Keyword: ... $` on one line is expanded again,
 * as the server does. Times are rendered in UTC (the real server uses its own time zone).
 */
export interface KeywordContext {
  readonly depotFile: string;
  readonly rev: number;
  readonly change: number;
  /** epoch seconds */
  readonly time: number;
  readonly user: string;
}

const PATTERN = /\$(Id|Header|Author|Date|DateUTC|DateTime|DateTimeUTC|DateTimeTZ|Change|File|Revision)(?::[^$\n]*)?\$/g;

export function expandKeywords(content: Buffer, mode: 'all' | 'ko', k: KeywordContext): Buffer {
  // latin1 maps bytes 1:1, so non-UTF-8 text passes through untouched.
  const text = content.toString('latin1');
  const values = keywordValues(k);
  const out = text.replace(PATTERN, (whole, name: string) => {
    if (mode === 'ko' && name !== 'Id' && name !== 'Header') return whole;
    return `$${name}: ${Buffer.from(values[name]!).toString('latin1')} $`;
  });
  return out === text ? content : Buffer.from(out, 'latin1');
}

function keywordValues(k: KeywordContext): Record<string, string> {
  const iso = new Date(k.time * 1000).toISOString(); // 2024-01-02T03:04:05.000Z
  const date = iso.slice(0, 10).replaceAll('-', '/');
  const dateTime = `${date} ${iso.slice(11, 19)}`;
  const id = `${k.depotFile}#${k.rev}`;
  return {
    Id: id,
    Header: id,
    Author: k.user,
    Date: date,
    DateUTC: date,
    DateTime: dateTime,
    DateTimeUTC: dateTime,
    DateTimeTZ: `${dateTime} +0000 UTC`,
    Change: String(k.change),
    File: k.depotFile,
    Revision: `#${k.rev}`,
  };
}
