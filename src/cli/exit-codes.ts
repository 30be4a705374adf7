import type { O4ErrorCode } from '../errors.js';

/** Exit codes of every o4-agent command (docs/user-guide.md lists them). */
export const EXIT = {
  OK: 0,
  /** The command ran, but some files failed or mismatches were found. */
  PARTIAL: 1,
  /** Bad arguments or an unknown command. */
  USAGE: 2,
  /** The environment is not usable: configuration, ledger, disk, the daemon's unit. (A p4 failure during hydrate fails files: exit 1.) */
  ENVIRONMENT: 3,
  /** The command needs the daemon and it is not running or not answering. */
  DAEMON: 4,
  /** Stopped by Ctrl-C or SIGTERM. */
  INTERRUPTED: 130,
} as const;

export function exitCodeFor(code: O4ErrorCode): number {
  switch (code) {
    case 'USAGE':
    case 'BAD_PATH':
    case 'OUTSIDE_ROOT':
    case 'UNKNOWN_WORKSPACE':
      return EXIT.USAGE;
    case 'DAEMON':
      return EXIT.DAEMON;
    case 'CANCELLED':
      return EXIT.INTERRUPTED;
    default:
      return EXIT.ENVIRONMENT;
  }
}

/** One line of advice for an error, shown under it. */
export function hintFor(code: O4ErrorCode, message = ''): string | undefined {
  switch (code) {
    case 'CONFIG':
      // Not `config list`: it reads the same broken file. `config unset` repairs a wrong value (see
      // cli/context.ts), but cannot parse a file that is not JSON at all.
      if (/not valid JSON|cannot be read|cannot read/.test(message)) return 'fix the file in an editor, or move it away to start from the defaults';
      return 'edit the file, or reset the setting to its default with: o4-agent config unset KEY';
    case 'LEDGER':
      return 'another o4-agent may hold the ledger, or its disk is full; o4-agent logs shows details';
    case 'P4':
      return 'run the same p4 command by hand to see what the server says (p4 -p PORT -u USER login -s)';
    case 'DAEMON':
      if (/already running/.test(message)) return 'o4-agent daemon status shows it; o4-agent daemon stop stops it';
      if (/not running/.test(message)) return 'start it with: o4-agent daemon start   (or: systemctl --user start o4-agent)';
      if (/belongs to uid/.test(message)) return 'another user made that socket: remove it, then start the daemon (o4-agent daemon start)';
      if (/did not answer/.test(message)) return 'the daemon is busy or hung: o4-agent logs shows what it does; systemctl --user restart o4-agent';
      return 'o4-agent logs shows what the daemon reported';
    case 'UNKNOWN_WORKSPACE':
      return 'o4-agent learns a workspace when p4 sync runs with P4ALTSYNC set';
    default:
      return undefined;
  }
}
