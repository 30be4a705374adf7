import { z } from 'zod';

/**
 * The daemon's socket protocol: one JSON object per line each way. A request names a method and
 * its parameters; every request gets exactly one response with the same id.
 */
export const requestSchema = z.discriminatedUnion('method', [
  z.object({ id: z.number().int(), method: z.literal('ping') }),
  z.object({ id: z.number().int(), method: z.literal('status') }),
  z.object({
    id: z.number().int(),
    method: z.literal('hydrate'),
    params: z.object({ targets: z.array(z.string().min(1)).min(1), cwd: z.string().min(1) }),
  }),
  z.object({ id: z.number().int(), method: z.literal('pause') }),
  z.object({ id: z.number().int(), method: z.literal('resume') }),
  z.object({ id: z.number().int(), method: z.literal('reload') }),
  z.object({ id: z.number().int(), method: z.literal('stop') }),
]);

export type DaemonRequest = z.infer<typeof requestSchema>;
export type DaemonMethod = DaemonRequest['method'];

export const responseSchema = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);

export type DaemonResponse = z.infer<typeof responseSchema>;

/** What `status` answers: the daemon's live view, beside what the CLI reads from the ledger. */
export interface DaemonStatus {
  readonly pid: number;
  readonly version: string;
  readonly startedAt: number;
  readonly paused: boolean;
  readonly queue: { readonly explicit: number; readonly pinned: number; readonly prefetch: number; readonly active: number };
  readonly breaker: { readonly open: boolean; readonly failures: number; readonly lastError: string | null; readonly retryAt: number | null };
  readonly watchers: ReadonlyArray<{
    readonly client: string;
    readonly port: string;
    readonly root: string;
    readonly mode: 'inotify' | 'polling' | 'error';
    readonly error: string | null;
    readonly events: number;
    /** Directories under inotify watch: the count that fs.inotify.max_user_watches limits. */
    readonly directories: number;
  }>;
  readonly lastError: { readonly message: string; readonly at: number } | null;
}

/** Longest request line the server reads before it drops the connection. */
export const MAX_LINE = 1024 * 1024;
