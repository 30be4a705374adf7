import type { AddedRequest } from '../../protocol/requests.js';
import type { FileRecord } from '../../store/ledger.js';
import type { Located } from '../workspaces.js';

/** The ledger fields an `add`/`added` request determines; state and on-disk facts come separately. */
export type RevisionFields = Omit<FileRecord, 'state' | 'statSig' | 'source' | 'hydratedAt'>;

export function revisionFields(loc: Located, req: AddedRequest): RevisionFields {
  return {
    workspaceId: loc.ws.id,
    rel: loc.rel,
    depotFile: req.depotFile,
    clientFile: req.clientFile ?? null,
    rev: req.rev,
    digest: req.digest ?? null,
    fileSize: req.fileSize ?? null,
    fileType: req.fileType ?? null,
    typeCode: req.type ?? null,
    keywords: req.keywords,
    lineEnd: req.lineEnd ?? null,
    utf8bom: req.utf8bom ?? null,
    charset: req.charset ?? null,
    writable: req.writable,
    executable: req.executable,
    updatedAt: Date.now(),
  };
}

/**
 * Whether a file hydrated for `a` holds exactly the bytes `b` would produce: same server content and
 * the same client-side transformation. With keyword expansion the revision itself is in the bytes.
 */
export function sameWrittenContent(a: RevisionFields, b: RevisionFields): boolean {
  return (
    a.digest !== null &&
    a.digest === b.digest &&
    a.fileType === b.fileType &&
    a.typeCode === b.typeCode &&
    a.keywords === b.keywords &&
    a.lineEnd === b.lineEnd &&
    a.utf8bom === b.utf8bom &&
    a.charset === b.charset &&
    (!a.keywords || (a.depotFile === b.depotFile && a.rev === b.rev))
  );
}
