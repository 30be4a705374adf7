import type { ClientUser } from '../client-user.js';
import type { FakeDepot } from '../depot.js';
import type { Failures } from '../failures.js';
import type { GlobalOptions } from '../options.js';

/** One server command as the fake runs it: once per -x batch, output through the ClientUser. */
export interface CommandContext {
  readonly ui: ClientUser;
  readonly depot: FakeDepot;
  readonly options: GlobalOptions;
  readonly failures: Failures;
}

export interface Command {
  /** Answered before authentication and charset checks, as the real server answers `info`. */
  readonly anonymous: boolean;
  run(ctx: CommandContext, args: readonly string[]): void;
}
