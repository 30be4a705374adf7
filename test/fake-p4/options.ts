import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';

/**
 * The global options before the command, as the p4 client parses them: `-p port` or `-pport`,
 * defaults from P4PORT/P4USER/P4CLIENT/P4CHARSET (then $USER and the host name, like the client).
 * P4CONFIG files and P4ENVIRO are not read: the fake has only the environment.
 */
export interface GlobalOptions {
  readonly port: string;
  readonly user: string;
  readonly client: string;
  /** -C / P4CHARSET; undefined when unset or empty */
  readonly charset: string | undefined;
  /** -G */
  readonly marshal: boolean;
  /** -x: a file name, or '-' for stdin */
  readonly argFile: string | undefined;
  readonly batchSize: number;
  /** -q */
  readonly quiet: boolean;
  /** -d: the directory relative paths are taken from */
  readonly cwd: string;
  /** -H */
  readonly host: string;
  /** -V */
  readonly version: boolean;
  readonly command: string | undefined;
  readonly args: string[];
}

export class UsageError extends Error {}

/** Options taking a value; -P (password) and -r (retries) have no effect on the fake. */
const VALUED = new Set(['p', 'u', 'c', 'C', 'P', 'x', 'b', 'd', 'H', 'r']);
const SWITCHES = new Set(['G', 'q', 'V']);
/** Real options whose output formats the fake does not produce: refused rather than ignored. */
const UNSIMULATED = new Set(['s', 'z']);

export function parseGlobalOptions(argv: readonly string[], env: NodeJS.ProcessEnv): GlobalOptions {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg.length < 2) break;
    const flag = arg[1]!;
    if (UNSIMULATED.has(flag)) throw new UsageError(`fake p4: global option -${flag} is not simulated.`);
    if (VALUED.has(flag)) {
      const value = arg.length > 2 ? arg.slice(2) : argv[++i];
      if (value === undefined) throw new UsageError(`Unknown flag.  Try ? for help.`);
      values.set(flag, value);
    } else if (SWITCHES.has(flag) && arg.length === 2) {
      switches.add(flag);
    } else {
      throw new UsageError('Unknown flag.  Try ? for help.');
    }
  }
  const batch = values.get('b') ?? '128';
  if (!/^[1-9]\d*$/.test(batch)) throw new UsageError('Unknown flag.  Try ? for help.');
  return {
    port: values.get('p') ?? (env['P4PORT'] || 'perforce:1666'),
    user: values.get('u') ?? (env['P4USER'] || env['USER'] || userInfo().username),
    client: values.get('c') ?? (env['P4CLIENT'] || hostname()),
    charset: values.get('C') || env['P4CHARSET'] || undefined,
    marshal: switches.has('G'),
    argFile: values.get('x'),
    batchSize: Number(batch),
    quiet: switches.has('q'),
    cwd: resolve(values.get('d') ?? '.'),
    host: values.get('H') ?? (env['P4HOST'] || hostname()),
    version: switches.has('V'),
    command: argv[i],
    args: argv.slice(i + 1),
  };
}
