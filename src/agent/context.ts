import type { Config } from '../config/config.js';
import type { AgentPaths } from '../config/paths.js';
import type { Log } from '../log/logger.js';
import type { FileRecord, Ledger } from '../store/ledger.js';
import type { WorkspaceDirectory } from './workspaces.js';

/** Fills a placeholder before it becomes writable (`chmod` on `p4 edit`). */
export interface ChmodHydrator {
  hydrateForEdit(rec: FileRecord, absPath: string): Promise<FileRecord>;
}

/** Everything a command handler needs; built once per agent process. */
export interface AgentContext {
  readonly config: Config;
  readonly paths: AgentPaths;
  readonly ledger: Ledger;
  readonly workspaces: WorkspaceDirectory;
  readonly log: Log;
  readonly hydrator: ChmodHydrator | undefined;
}
