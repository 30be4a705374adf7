import { readFileSync } from 'node:fs';

/**
 * CPU seconds used by this process and by the child processes it has waited for (the p4 pool),
 * so a summary can show where the time of a hydration went. Children are read from
 * /proc/self/stat (Linux; USER_HZ is 100 there); elsewhere they are unknown.
 */
export function cpuSeconds(): { self: number; children: number | null } {
  const u = process.cpuUsage();
  return { self: round((u.user + u.system) / 1e6), children: childrenSeconds() };
}

function childrenSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3; cutime and cstime are fields 16 and 17.
    return round((Number(fields[13]) + Number(fields[14])) / 100);
  } catch {
    return null;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
