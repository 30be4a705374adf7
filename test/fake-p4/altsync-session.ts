import { AltsyncAgentProcess, type Verdict } from './altsync-client.js';
import { E_FAILED, EV_CLIENT, EV_CONFIG, type ClientUser } from './client-user.js';
import type { AltsyncExchange } from './invocations.js';
import type { Workspace } from './workspace.js';

/**
 * The P4 client's side of P4ALTSYNC for one fake p4 run (spec §2): one agent per p4 invocation,
 * -x batches included, spawned at the first request and greeted with `check`; every failure
 * printed as the client prints it (§4.2); `quit` at the end, waiting for the agent to exit. What
 * the server does with the answers (§4.4) is up to the commands.
 */
export interface SessionOptions {
  readonly ui: ClientUser;
  readonly env: NodeJS.ProcessEnv;
  readonly identity: { readonly port: string; readonly client: string; readonly user: string };
  readonly log: (exchange: AltsyncExchange) => void;
}

/** How a command reaches a workspace's files: through the agent, by writing them itself, or not at all. */
export type FileRoute = AltsyncSession | 'local' | 'refused';

/** The real client waits for ever; a bound keeps a broken agent from hanging a test run. */
const REPLY_TIMEOUT_MS = 120_000;
const QUIT_TIMEOUT_MS = 30_000;
/**
 * How long an agent that ended its output, or failed its first request, gets to exit: so the next
 * request sees it dead (spec §2.6), and a failed exec (the launcher shell exits 126/127 after
 * printing its complaint as the reply) is told apart from an agent that answered.
 */
const EXIT_GRACE_MS = 500;

const UNSENT: Verdict = { ok: false, message: undefined, fields: {} };

export class AltsyncSession {
  private agent: AltsyncAgentProcess | undefined;
  /** No exchange with the current agent yet: an empty first reply may mean it never started. */
  private fresh = false;
  /** The client's restart step after an agent died: the next request fails, the one after respawns. */
  private reaped = false;
  /**
   * Set when the agent could not start or `check` failed: nothing more reaches an agent, and each
   * later request fails with the same message (none after a failure the agent gave no error for).
   */
  private unusable: { readonly message: string | undefined } | undefined;
  private clientRoot = '';

  constructor(private readonly opts: SessionOptions) {}

  /**
   * The server's choice for an altsync workspace (spec §9.2): the agent when P4ALTSYNC is set; the
   * ordinary file transfer when it is unset or empty, unless dm.altsync.enforce refuses the command.
   */
  route(ws: Workspace, enforce: boolean): FileRoute {
    if (!ws.has('altsync')) return 'local';
    if (this.opts.env['P4ALTSYNC']) {
      this.clientRoot = ws.root;
      return this;
    }
    if (!enforce) return 'local';
    this.fail('Client does not have P4ALTSYNC configured, required for this workspace.', EV_CONFIG);
    return 'refused';
  }

  /**
   * add, delete, chmod: true when done. A `pass` answer runs the client's own handler where the
   * server offers one (`passthrough`), and is an error where it does not.
   */
  async perform(command: string, vars: Record<string, string>, passthrough?: () => boolean): Promise<boolean> {
    const verdict = await this.request(command, vars);
    if (!verdict.ok) {
      this.opts.ui.noteFailure();
      return false;
    }
    if (!verdict.pass) return true;
    if (passthrough) return passthrough();
    this.fail(`AltSync Error: Cannot passthrough AltSync command: ${command}`);
    return false;
  }

  /**
   * checkFile (spec §6.4): the agent's answer, or undefined where the client goes on to read the
   * file itself (no answer, an unknown one, `pass`, or a failure, whose error is printed first).
   */
  async checkFile(vars: Record<string, string>): Promise<string | undefined> {
    const verdict = await this.request('checkFile', vars);
    const answer = verdict.ok ? verdict.fields['checkFile'] : undefined;
    return typeof answer === 'string' ? answer : undefined;
  }

  /** The client's shutdown (spec §2.5): `quit`, no reply read, wait for the exit. */
  async close(): Promise<void> {
    if (!this.agent) return;
    try {
      await this.agent.quit(QUIT_TIMEOUT_MS);
    } catch (err) {
      this.fail(`fake p4: ${(err as Error).message}`);
    }
  }

  private async request(command: string, vars: Record<string, string>): Promise<Verdict> {
    const agent = await this.connect();
    return agent ? this.exchange(agent, command, vars) : UNSENT;
  }

  private async exchange(agent: AltsyncAgentProcess, command: string, vars: Record<string, string>): Promise<Verdict> {
    const ex = await agent.request(command, vars, REPLY_TIMEOUT_MS);
    const first = this.fresh;
    this.fresh = false;
    this.opts.log({ command, path: vars['path'], reply: ex.raw.toString('utf8') });
    if (ex.raw.length === 0 || (first && !ex.verdict.ok)) {
      const exit = await agent.exitWithin(EXIT_GRACE_MS);
      if (first && (exit?.code === 126 || exit?.code === 127)) {
        this.refuse(startFailure(agent.argv, exit.code === 126 ? 'Permission denied' : 'No such file or directory'));
        return UNSENT;
      }
    }
    if (!ex.verdict.ok && ex.verdict.message) this.fail(ex.verdict.message);
    return ex.verdict;
  }

  /** The agent to send to, spawned (and checked) if need be; undefined after printing why there is none. */
  private async connect(): Promise<AltsyncAgentProcess | undefined> {
    if (this.unusable) {
      if (this.unusable.message) this.fail(this.unusable.message);
      return undefined;
    }
    if (this.agent?.exited) {
      // Spec §2.6: the first request after a death only reaps it and fails; the next one respawns.
      if (!this.reaped) {
        this.reaped = true;
        this.fail('write: command: Broken pipe');
        return undefined;
      }
      this.reaped = false;
      return this.spawn();
    }
    if (this.agent) return this.agent;
    const agent = this.spawn();
    return agent && (await this.check(agent)) ? agent : undefined;
  }

  private spawn(): AltsyncAgentProcess | undefined {
    const p4altsync = this.opts.env['P4ALTSYNC']!;
    try {
      this.agent = new AltsyncAgentProcess({ p4altsync, env: this.opts.env, identity: this.opts.identity });
    } catch {
      // The value expands to no words at all: exec of an empty command line.
      this.refuse(startFailure([p4altsync], 'No such file or directory'));
      return undefined;
    }
    this.fresh = true;
    return this.agent;
  }

  /** `check` and the server's verdict on its answer (spec §6.1); a failure ends agent use for the run. */
  private async check(agent: AltsyncAgentProcess): Promise<boolean> {
    const verdict = await this.exchange(agent, 'check', { clientRoot: this.clientRoot });
    if (this.unusable) return false;
    if (!verdict.ok) {
      // exchange() printed the agent's error already.
      this.unusable = { message: verdict.message };
      return false;
    }
    const version = resultText(verdict.fields['altSyncVersion']);
    if (verdict.pass) this.refuse('AltSync Error: Cannot passthrough AltSync command: check');
    else if (version === undefined) this.refuse('AltSync agent did not send an altSync protocol version.');
    else if (version !== '1') this.refuse(`AltSync agent using unsupported altSync protocol version: ${version}`);
    return !this.unusable;
  }

  private refuse(message: string): void {
    this.unusable = { message };
    this.fail(message);
  }

  private fail(text: string, generic = EV_CLIENT): void {
    this.opts.ui.message({ text, severity: E_FAILED, generic });
  }
}

/** How the client copies a result back to the server (spec §4.3): floats, null, arrays and objects are dropped. */
function resultText(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  return typeof value === 'number' && Number.isInteger(value) ? String(value) : undefined;
}

/** The error chain of a failed exec, newest message first (spec §2.2). */
function startFailure(argv: readonly string[], reason: string): string {
  return `AltSync Error: Failed to start AltSync agent.\nExecution Failed: ${argv.join(' ')}: ${reason}`;
}
