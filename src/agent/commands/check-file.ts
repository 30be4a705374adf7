import { O4Error } from '../../errors.js';
import { lstatOrUndefined, statSignature } from '../../fs/stat-signature.js';
import { checkLocalPath } from '../../fs/workspace-path.js';
import type { CheckFileRequest } from '../../protocol/requests.js';
import type { ReplyFields } from '../../protocol/reply.js';
import type { FileRecord } from '../../store/ledger.js';
import { checkFileAnswer } from '../../store/states.js';
import type { AgentContext } from '../context.js';

/**
 * `checkFile`: answered from the ledger and one fresh lstat — never reads content, never hydrates,
 * never writes. A stat that differs from the recorded one means someone touched the file: `exists`,
 * so the client does its own (reading) check.
 */
export function handleCheckFile(ctx: AgentContext, req: CheckFileRequest): ReplyFields {
  const abs = checkLocalPath(req.path);
  const rec = trackedRecord(ctx, req, abs);
  const st = lstatOrUndefined(abs);
  const answer = checkFileAnswer({
    state: rec?.state ?? 'untracked',
    onDisk: !st ? 'absent' : rec && rec.statSig === statSignature(st) ? 'as-recorded' : 'changed',
    recordedDigest: rec?.digest ?? null,
    requestDigest: req.digest,
  });
  return { checkFile: answer };
}

function trackedRecord(ctx: AgentContext, req: CheckFileRequest, abs: string): FileRecord | undefined {
  try {
    const loc = ctx.workspaces.locate(req, abs);
    return ctx.ledger.file(loc.ws.id, loc.rel);
  } catch (err) {
    // A workspace the ledger has never seen holds no placeholders: the client's own check is right.
    if (err instanceof O4Error && err.code === 'UNKNOWN_WORKSPACE') return undefined;
    throw err;
  }
}
