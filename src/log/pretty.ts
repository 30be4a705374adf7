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
  const time = typeof rec['time'] === 'number' ? new Date(rec['time']).toISOString().replace('T', ' ').replace('Z', '') : '';
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
