import { statSync } from 'node:fs';
import { O4Error, ioError } from '../../errors.js';
import { makeParentDirs } from '../../fs/temp-file.js';
import { normalizeRoot } from '../../fs/workspace-path.js';
import type { CheckRequest } from '../../protocol/requests.js';
import type { ReplyFields } from '../../protocol/reply.js';
import { agentVersion } from '../../version.js';
import type { AgentContext } from '../context.js';

/** The protocol version this agent speaks (the server's `l_altSync`, still 1 in 2024.2). */
export const ALTSYNC_VERSION = 1;

/** Adopts the client root for (port, client), creating it if needed, and reports the protocol version. */
export function handleCheck(ctx: AgentContext, req: CheckRequest): ReplyFields {
  const root = normalizeRoot(req.clientRoot);
  let st;
  try {
    st = statSync(root, { throwIfNoEntry: false });
  } catch (err) {
    throw ioError('inspect client root', root, err);
  }
  if (!st) makeParentDirs(root);
  else if (!st.isDirectory()) throw new O4Error('BAD_PATH', `client root ${root} exists and is not a directory`, { root });
  const ws = ctx.workspaces.adopt(req, root);
  // debug, not info: the first log record loads pino (~20 ms), and every p4 command sends check.
  ctx.log.debug({ client: ws.client, port: ws.port, root: ws.root }, 'workspace checked');
  return { altSyncVersion: ALTSYNC_VERSION, agentProgram: `o4-agent ${agentVersion()}` };
}
