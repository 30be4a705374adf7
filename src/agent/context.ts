import type { Config } from '../config/config.js';
import type { AgentPaths } from '../config/paths.js';
import type { Log } from '../log/logger.js';
import type { FileRecord, Ledger, Workspace } from '../store/ledger.js';
import type { WorkspaceDirectory } from './workspaces.js';

/** Fills a placeholder before it becomes writable (`chmod` on `p4 edit`); throws when it cannot. */
export interface ChmodHydrator {
  hydrateForEdit(ws: Workspace, rec: FileRecord, bits: { writable: boolean; executable: boolean }): Promise<void>;
}

/** Everything a command handler needs; built once per agent process. */
export interface AgentContext {
  readonly config: Config;
  readonly paths: AgentPaths;
  readonly ledger: Ledger;
  readonly workspaces: WorkspaceDirectory;
  readonly log: Log;
  readonly hydrator: ChmodHydrator;
}
