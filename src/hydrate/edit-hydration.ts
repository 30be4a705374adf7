import { O4Error } from '../errors.js';
import type { FileRecord, Workspace } from '../store/ledger.js';
import { Hydrator, type HydratorDeps } from './hydrator.js';

/**
 * `chmod` to writable (`p4 edit`) on a placeholder: the file is about to be edited and later read
 * by `p4 submit`, which reads the disk directly, so it is hydrated first — with the writable mode
 * it is being given. On failure the placeholder stays read-only and the reply is an error.
 */
export async function hydrateForEdit(
  deps: HydratorDeps,
  ws: Workspace,
  rec: FileRecord,
  bits: { writable: boolean; executable: boolean },
): Promise<void> {
  const hydrator = new Hydrator(deps);
  try {
    const target = Hydrator.target(ws, rec, bits);
    const summary = await hydrator.hydrate([target]);
    if (summary.hydrated === 1) return;
    const reason = summary.failures[0]?.reason ?? 'it is no longer the placeholder o4-agent wrote';
    throw new O4Error('HYDRATION', `cannot open ${target.abs} for edit: hydrating it failed: ${reason}`, { path: target.abs });
  } finally {
    hydrator.close();
  }
}
