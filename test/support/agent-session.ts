import { createHash } from 'node:crypto';
import { AltsyncAgentProcess } from '../fake-p4/altsync-client.js';
import { AGENT_BIN, type Sandbox } from './sandbox.js';

export const IDENTITY = { port: 'ssl:perforce.example.com:1666', client: 'alice-ws', user: 'alice' } as const;

/** The P4ALTSYNC value a user would set, quoted as the client's word splitting requires. */
export const P4ALTSYNC = `"${AGENT_BIN}" altsync`;

const running = new Set<AltsyncAgentProcess>();

export function startAgent(sb: Sandbox, opts: { p4altsync?: string; uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {}): AltsyncAgentProcess {
  const agent = new AltsyncAgentProcess({
    p4altsync: opts.p4altsync ?? P4ALTSYNC,
    env: opts.env ?? sb.env,
    cwd: sb.dir,
    identity: IDENTITY,
    uid: opts.uid,
    gid: opts.gid,
  });
  running.add(agent);
  void agent.waitForExit().then(() => running.delete(agent));
  return agent;
}

/** Kills agents a failed test left running, so the suite never leaks processes. */
export function killStrayAgents(): void {
  for (const agent of running) agent.kill();
  running.clear();
}

export function md5(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex').toUpperCase();
}

/** RPC variables (all strings, as on the wire before the client re-types them) of an `add`. */
export function addVars(root: string, rel: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    path: `${root}/${rel}`,
    clientFile: `//${IDENTITY.client}/${rel}`,
    depotFile: `//depot/main/${rel}`,
    rev: '3',
    digest: md5(`content of ${rel}`),
    fileSize: '1234',
    fileType: 'text',
    writable: 'false',
    executable: 'false',
    noclobber: 'false',
    ...over,
  };
}

export async function checkWorkspace(agent: AltsyncAgentProcess, root: string): Promise<void> {
  const ex = await agent.request('check', { clientRoot: root });
  if (!ex.verdict.ok) throw new Error(`check failed: ${ex.raw.toString()}`);
}
