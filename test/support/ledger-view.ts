import Database from 'better-sqlite3';
import { join } from 'node:path';

/** Read-only access to a sandbox's ledger, to check what the agent recorded. */
export function readLedger(home: string) {
  const db = new Database(join(home, 'ledger.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return {
      files: db.prepare('SELECT f.*, w.client, w.root FROM files f JOIN workspaces w ON w.id = f.workspace_id ORDER BY rel').all() as Array<
        Record<string, unknown>
      >,
      workspaces: db.prepare('SELECT * FROM workspaces ORDER BY id').all() as Array<Record<string, unknown>>,
      counts: db.prepare('SELECT * FROM state_counts WHERE files > 0 ORDER BY workspace_id, state').all() as Array<Record<string, unknown>>,
      rescued: db.prepare('SELECT * FROM rescued ORDER BY at').all() as Array<Record<string, unknown>>,
    };
  } finally {
    db.close();
  }
}

export function fileRow(home: string, rel: string): Record<string, unknown> | undefined {
  return readLedger(home).files.find((f) => f['rel'] === rel);
}
