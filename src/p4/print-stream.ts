import type { P4Record } from './marshal.js';
import { P4Failure, classifyRunFailure, recordText, type P4Connection, type P4Runner } from './runner.js';

/**
 * `p4 -G -x - print` of many revisions in one process (few fat connections, as o4 and VCP learned).
 * Records arrive as: a `stat` record naming depotFile/rev/type/fileSize, then that revision's
 * content as `text`/`binary` chunks, then the next `stat`. Each revision's content is handed to its
 * own sink chunk by chunk; nothing is buffered whole.
 */
export interface PrintRequest {
  readonly depotFile: string;
  readonly rev: number;
}

export interface PrintHeader {
  readonly depotFile: string;
  readonly rev: number;
  readonly type: string;
  /** Size the server reports for the revision (its stored form). */
  readonly fileSize: number | undefined;
  readonly action: string;
}

/** Receives one revision's content. finish() is called only when all of it has arrived. */
export interface PrintSink {
  write(chunk: Buffer): void;
  finish(): void;
  abort(reason: Error): void;
}

export interface PrintOutcome {
  /** Requests whose content was delivered completely (their sinks finished). */
  readonly completed: ReadonlySet<string>;
  /** Per-request problems the server reported ("no such file(s)", ...), keyed like completed. */
  readonly warnings: ReadonlyMap<string, string>;
  /** Set when the command as a whole failed: the unfinished requests may be retried if retryable. */
  readonly failure: P4Failure | undefined;
}

export function requestKey(r: PrintRequest): string {
  return `${r.depotFile}#${r.rev}`;
}

export async function streamPrint(
  runner: P4Runner,
  conn: P4Connection,
  requests: readonly PrintRequest[],
  opts: { keywords: boolean; signal?: AbortSignal | undefined },
  openSink: (header: PrintHeader) => PrintSink | undefined,
): Promise<PrintOutcome> {
  const wanted = new Set(requests.map(requestKey));
  const completed = new Set<string>();
  const warnings = new Map<string, string>();
  const errors: P4Record[] = [];
  let current: { key: string; sink: PrintSink | undefined } | undefined;

  const finishCurrent = () => {
    if (!current) return;
    current.sink?.finish();
    completed.add(current.key);
    current = undefined;
  };

  const onRecord = (r: P4Record) => {
    switch (r.code) {
      case 'stat': {
        finishCurrent();
        const header = statHeader(r);
        const key = `${header.depotFile}#${header.rev}`;
        current = { key, sink: wanted.has(key) && header.action !== 'delete' && header.action !== 'move/delete' ? openSink(header) : undefined };
        break;
      }
      case 'text':
      case 'binary':
        if (current?.sink && r.data) current.sink.write(r.data);
        break;
      case 'error': {
        const text = recordText(r).trim();
        const key = perFileKey(text, wanted);
        if (key) warnings.set(key, text);
        else errors.push(r);
        break;
      }
      default:
        break; // info messages carry nothing a print needs
    }
  };

  let failure: P4Failure | undefined;
  try {
    const run = await runner.run(conn, ['print', ...(opts.keywords ? [] : ['-K'])], {
      xargs: requests.map(requestKey),
      onRecord,
      signal: opts.signal,
    });
    failure = classifyRunFailure(run, errors, runner.options.idleTimeoutMs);
    if (!failure && errors.length > 0) failure = new P4Failure('other', `p4 print: ${errors.map(recordText).join(' ').trim()}`);
  } catch (err) {
    current?.sink?.abort(err as Error);
    current = undefined;
    throw err;
  }
  // The last revision is complete only if p4 ended cleanly; a cut-off stream must not pass as whole.
  if (failure) current?.sink?.abort(failure);
  else finishCurrent();
  return { completed, warnings, failure };
}

function statHeader(r: P4Record): PrintHeader {
  const f = r.fields;
  const size = f['fileSize'] === undefined ? undefined : Number(f['fileSize']);
  return {
    depotFile: String(f['depotFile'] ?? ''),
    rev: Number(f['rev'] ?? 0),
    type: String(f['type'] ?? 'text'),
    fileSize: size !== undefined && Number.isFinite(size) ? size : undefined,
    action: String(f['action'] ?? ''),
  };
}

/** "//depot/a.c#3 - no such file(s)." names the request it is about. */
function perFileKey(text: string, wanted: ReadonlySet<string>): string | undefined {
  const dash = text.indexOf(' - ');
  if (dash < 0) return undefined;
  const arg = text.slice(0, dash);
  return wanted.has(arg) ? arg : undefined;
}
