/**
 * Human-readable rendering of the JSON log records pino writes, for `o4-agent logs` and for
 * `o4-agent daemon run` on a terminal.
 */
const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'component', 'v']);

export function prettyLine(line: string, color = false): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line; // not a record: show it as it is
  }
  const level = LEVEL_NAMES[rec['level'] as number] ?? String(rec['level'] ?? '?');
  const time = typeof rec['time'] === 'number' ? localTime(new Date(rec['time'])) : '';
  const who = `${String(rec['component'] ?? '?')}[${String(rec['pid'] ?? '?')}]`;
  const fields = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const paint = color ? colorFor(level) : (s: string) => s;
  return `${time} ${paint(level.padEnd(5))} ${who} ${String(rec['msg'] ?? '')}${fields ? `  ${fields}` : ''}`;
}

function colorFor(level: string): (s: string) => string {
  const code = level === 'ERROR' || level === 'FATAL' ? 31 : level === 'WARN' ? 33 : level === 'INFO' ? 32 : 90;
  return (s) => `\u001b[${code}m${s}\u001b[0m`;
}

/** Local wall-clock time, as journalctl and syslog show it; --json keeps the epoch milliseconds. */
function localTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
