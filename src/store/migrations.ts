/**
 * Numbered schema migrations, applied in order inside one IMMEDIATE transaction and recorded in
 * `PRAGMA user_version`. Never edit a released migration; add the next one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: workspaces, tracked files, per-state counters kept by triggers so that every writer
  //    (agent, daemon, CLI) keeps them exact without having to remember to.
  `
  CREATE TABLE workspaces (
    id           INTEGER PRIMARY KEY,
    port         TEXT NOT NULL,
    client       TEXT NOT NULL,
    root         TEXT NOT NULL,
    user         TEXT,
    root_source  TEXT NOT NULL CHECK (root_source IN ('check', 'inferred')),
    markers      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (port, client)
  );

  CREATE TABLE files (
    workspace_id INTEGER NOT NULL,
    rel          TEXT NOT NULL,
    depot_file   TEXT NOT NULL,
    client_file  TEXT,
    rev          INTEGER NOT NULL,
    digest       TEXT,
    file_size    INTEGER,
    file_type    TEXT,
    type_code    TEXT,
    keywords     INTEGER NOT NULL DEFAULT 0,
    line_end     TEXT,
    utf8bom      INTEGER,
    charset      TEXT,
    writable     INTEGER NOT NULL DEFAULT 0,
    executable   INTEGER NOT NULL DEFAULT 0,
    state        TEXT NOT NULL CHECK (state IN ('placeholder', 'hydrated', 'modified', 'missing')),
    stat_sig     TEXT,
    source       TEXT,
    hydrated_at  INTEGER,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, rel)
  ) WITHOUT ROWID;

  CREATE INDEX files_by_depot_file ON files (workspace_id, depot_file);
  CREATE INDEX files_hydrated_by_digest ON files (digest) WHERE state = 'hydrated';

  -- Local edits the agent moved aside instead of destroying (see fs/rescue.ts).
  CREATE TABLE rescued (
    workspace_id INTEGER NOT NULL,
    rel          TEXT NOT NULL,
    saved_to     TEXT NOT NULL,
    reason       TEXT NOT NULL,
    at           INTEGER NOT NULL
  );
  CREATE INDEX rescued_by_path ON rescued (workspace_id, rel);

  CREATE TABLE state_counts (
    workspace_id INTEGER NOT NULL,
    state        TEXT NOT NULL,
    files        INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, state)
  ) WITHOUT ROWID;

  CREATE TRIGGER files_count_insert AFTER INSERT ON files BEGIN
    INSERT INTO state_counts (workspace_id, state, files, bytes)
      VALUES (NEW.workspace_id, NEW.state, 1, coalesce(NEW.file_size, 0))
      ON CONFLICT DO UPDATE SET files = files + 1, bytes = bytes + coalesce(NEW.file_size, 0);
  END;

  CREATE TRIGGER files_count_delete AFTER DELETE ON files BEGIN
    UPDATE state_counts SET files = files - 1, bytes = bytes - coalesce(OLD.file_size, 0)
      WHERE workspace_id = OLD.workspace_id AND state = OLD.state;
  END;

  CREATE TRIGGER files_count_update AFTER UPDATE OF state, file_size, workspace_id ON files
  WHEN OLD.state IS NOT NEW.state OR OLD.file_size IS NOT NEW.file_size OR OLD.workspace_id IS NOT NEW.workspace_id
  BEGIN
    UPDATE state_counts SET files = files - 1, bytes = bytes - coalesce(OLD.file_size, 0)
      WHERE workspace_id = OLD.workspace_id AND state = OLD.state;
    INSERT INTO state_counts (workspace_id, state, files, bytes)
      VALUES (NEW.workspace_id, NEW.state, 1, coalesce(NEW.file_size, 0))
      ON CONFLICT DO UPDATE SET files = files + 1, bytes = bytes + coalesce(NEW.file_size, 0);
  END;
  `,
  // 2: directories indexed by `o4-agent seed` as sources of content, the last hydration error of
  //    a file (for `why` and `status`), and the SHA-256 of content verified against a server digest:
  //    later local copies are checked with it, 2.4x faster than MD5 where the CPU has SHA extensions.
  `
  CREATE TABLE content_hashes (
    digest       TEXT PRIMARY KEY,
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE seeds (
    path         TEXT PRIMARY KEY,
    stat_sig     TEXT NOT NULL,
    size         INTEGER NOT NULL,
    digest_raw   TEXT NOT NULL,
    digest_text  TEXT,
    indexed_at   INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX seeds_by_raw ON seeds (digest_raw);
  CREATE INDEX seeds_by_text ON seeds (digest_text) WHERE digest_text IS NOT NULL;

  ALTER TABLE files ADD COLUMN last_error TEXT;
  ALTER TABLE files ADD COLUMN last_error_at INTEGER;
  CREATE INDEX files_with_errors ON files (workspace_id, last_error_at) WHERE last_error IS NOT NULL;
  `,
];
