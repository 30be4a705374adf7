import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { AGENT_BIN } from './sandbox.js';

/**
 * A real `o4-agent daemon run` child, as systemd would run it. Tests stop it in `after`, and a
 * test that kills it with SIGKILL proves the next one starts over a ledger left mid-flight.
 */
export class DaemonProcess {
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(env: NodeJS.ProcessEnv, cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<DaemonProcess> {
    const d = new DaemonProcess(spawn(AGENT_BIN, ['daemon', 'run'], { env: { ...env, ...extraEnv }, cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
    const ready = await Promise.race([
      until(() => d.output.includes('o4-agent daemon running'), 20_000, 'the daemon to start').then(() => true),
      d.exited.then(() => false),
    ]);
    if (!ready) throw new Error(`the daemon exited at start: ${d.output}`);
    return d;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM and wait: the graceful stop systemd asks for. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill('SIGTERM');
    return this.exited;
  }

  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Polls until the condition holds; fails with what it waited for. */
export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
