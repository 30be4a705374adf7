import type { FileRecord } from '../../src/store/ledger.js';

/** A ledger row for tests and benchmarks: a plain text placeholder, with what the case needs changed. */
export function fileRecord(workspaceId: number, rel: string, over: Partial<FileRecord> = {}): FileRecord {
  return {
    workspaceId,
    rel,
    depotFile: `//depot/${rel}`,
    clientFile: null,
    rev: 1,
    digest: null,
    fileSize: null,
    fileType: 'text',
    typeCode: null,
    keywords: false,
    lineEnd: null,
    utf8bom: null,
    charset: null,
    writable: false,
    executable: false,
    state: 'placeholder',
    statSig: null,
    source: null,
    hydratedAt: null,
    updatedAt: 0,
    ...over,
  };
}
