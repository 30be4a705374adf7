import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { O4Error, errnoCode } from '../errors.js';

/**
 * The configuration file, declared once: every setting with its type, default and meaning lives in
 * this schema, and `docs/configuration.md` describes the same keys.
 */
export const configSchema = z
  .object({
    placeholders: z
      .object({
        /**
         * `unreadable`: placeholders have no permission bits until hydrated, so a program that opens
         * one fails loudly instead of reading zeros. `real`: placeholders get the modes a normal sync
         * would give (for an on-access hydration backend that fills them before any read).
         */
        mode: z.enum(['unreadable', 'real']).default('unreadable'),
      })
      .strict()
      .default({}),
    ledger: z
      .object({
        /** How long a writer waits for another process's write lock before the request fails. */
        busyTimeoutMs: z.number().int().min(100).max(120_000).default(15_000),
      })
      .strict()
      .default({}),
    p4: z
      .object({
        /** The p4 executable; the environment variable O4_AGENT_P4 overrides it. */
        path: z.string().min(1).default('p4'),
        /** Parallel p4 processes fetching content. */
        poolSize: z.number().int().min(1).max(32).default(4),
        /** Revisions per `p4 print` process, and their total expected size. */
        batchFiles: z.number().int().min(1).max(10_000).default(256),
        batchBytes: z
          .number()
          .int()
          .min(1024 * 1024)
          .default(256 * 1024 * 1024),
        /** A p4 that prints nothing for this long is stopped (and retried). */
        idleTimeoutSec: z.number().int().min(1).max(3600).default(120),
        /** Further attempts after a connection failure, timeout or crash; waits double from backoffMs. */
        retries: z.number().int().min(0).max(10).default(3),
        backoffMs: z.number().int().min(0).max(60_000).default(500),
      })
      .strict()
      .default({}),
    store: z
      .object({
        /** Content store directory; empty means <state dir>/store. */
        dir: z.string().default(''),
        /** Size limit; least recently used content is evicted beyond it. */
        maxBytes: z
          .number()
          .int()
          .min(0)
          .default(10 * 1024 ** 3),
        /** The directory is shared by several users: group-writable directories, group-readable files. */
        shared: z.boolean().default(false),
      })
      .strict()
      .default({}),
    hydrate: z
      .object({
        /** Copy from hydrated, unmodified files with the same digest elsewhere in the ledger (other workspaces, or the same one). */
        siblings: z.boolean().default(true),
        /** Copy from directories indexed with `o4-agent seed`. */
        seeds: z.boolean().default(true),
        /** Worker threads for local copies in large batches; 0: one per core but one, at most 4. */
        copyThreads: z.number().int().min(0).max(32).default(0),
      })
      .strict()
      .default({}),
    daemon: z
      .object({
        /** Watch workspaces for local edits and deletions. */
        watch: z.boolean().default(true),
        /** Poll instead of inotify for workspace roots under these paths (network filesystems). */
        pollPaths: z.array(z.string()).default([]),
        pollIntervalMs: z.number().int().min(100).default(2000),
        /**
         * Compare every tracked file with the disk this often (one lstat each; 0: never). inotify
         * drops events silently when its queue overflows (fs.inotify.max_queued_events); this is
         * the safety net.
         */
        rescanIntervalSec: z.number().int().min(0).default(1800),
        /** Files hydrated per background batch. */
        batchFiles: z.number().int().min(1).max(10_000).default(500),
        /** Rescan prefetch and pin rules this often (also after a sync and a reload). */
        prefetchIntervalSec: z.number().int().min(5).default(300),
        /**
         * Consecutive background batches in which the server failed every file it was asked for,
         * after which server fetches pause (local sources still work), and for how long.
         */
        breakerFailures: z.number().int().min(1).default(5),
        breakerCooldownSec: z.number().int().min(1).default(300),
      })
      .strict()
      .default({}),
    /** Per-workspace rules, keyed by client name. */
    workspaces: z
      .record(
        z
          .object({
            /** Only for the workspace on this port, when one client name exists on several servers. */
            port: z.string().optional(),
            /** Hydrated in the background, after explicit requests: depot, client or local patterns. */
            prefetch: z.array(z.string()).default([]),
            /** "Always local": hydrated as soon as a sync makes them placeholders, before prefetch. */
            pin: z.array(z.string()).default([]),
          })
          .strict(),
      )
      .default({}),
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
        /** The log file is rotated at this size; this many old files are kept. */
        maxBytes: z
          .number()
          .int()
          .min(64 * 1024)
          .default(10 * 1024 * 1024),
        keep: z.number().int().min(0).max(20).default(3),
      })
      .strict()
      .default({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

export const DEFAULT_CONFIG: Config = configSchema.parse({});

/** Reads and validates the configuration file; a missing file means all defaults. */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return DEFAULT_CONFIG;
    throw new O4Error('CONFIG', `cannot read configuration file ${file}: ${(err as Error).message}`, { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new O4Error('CONFIG', `configuration file ${file} is not valid JSON: ${(err as Error).message}`, { file });
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? first.path.join('.') : '(top level)';
    throw new O4Error('CONFIG', `configuration file ${file} is invalid at ${where}: ${first?.message ?? 'invalid'}`, { file });
  }
  return parsed.data;
}
