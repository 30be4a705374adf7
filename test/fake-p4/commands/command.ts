import type { AltsyncSession } from '../altsync-session.js';
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
  /** The run's P4ALTSYNC agent connection, shared by all batches. */
  readonly altsync: AltsyncSession;
}

export interface Command {
  /** Answered before authentication and charset checks, as the real server answers `info`. */
  readonly anonymous: boolean;
  /** Workspace commands talk to the agent, hence may be asynchronous. */
  run(ctx: CommandContext, args: readonly string[]): void | Promise<void>;
}
