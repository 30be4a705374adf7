import { marshalDict } from './marshal.js';
import { writeAll, type StdoutSink } from './stdout-sink.js';

/**
 * The client's output side (ClientUser / ClientUserMarshal): turns server messages, tagged records
 * and file content into stdout/stderr exactly as `p4` or `p4 -G` would, and remembers the worst
 * severity for the exit status.
 */
export const E_WARN = 2;
export const E_FAILED = 3;

export const EV_USAGE = 1;
export const EV_UNKNOWN = 2;
export const EV_EMPTY = 17;
export const EV_CLIENT = 34;
export const EV_CONFIG = 36;

export interface ServerMessage {
  readonly text: string;
  readonly severity: number;
  readonly generic: number;
}

export class ClientUser {
  private worst = 0;

  constructor(
    private readonly sink: StdoutSink,
    /** -G */
    readonly marshal: boolean,
    /** global -q: info messages are dropped */
    private readonly quiet: boolean,
  ) {}

  /** Tagged output; commands only produce it under -G (untagged commands send info lines instead). */
  stat(fields: Record<string, string>): void {
    this.sink.write(marshalDict('stat', Object.entries(fields)));
  }

  info(text: string, level = 0): void {
    if (this.quiet) return;
    if (this.marshal) {
      this.sink.write(
        marshalDict('info', [
          ['level', level],
          ['data', text],
        ]),
      );
    } else {
      this.sink.write(Buffer.from(`${'... '.repeat(level)}${text}\n`));
    }
  }

  /** File content: `text` records for text-like types, `binary` for the rest; raw bytes without -G. */
  content(data: Buffer, binary: boolean): void {
    this.sink.write(this.marshal ? marshalDict(binary ? 'binary' : 'text', [['data', data]]) : data);
  }

  /** A warning or error from the server (or the client's own file handling). */
  message(m: ServerMessage): void {
    this.worst = Math.max(this.worst, m.severity);
    if (this.marshal) {
      this.sink.write(
        marshalDict('error', [
          ['data', `${m.text}\n`],
          ['severity', m.severity],
          ['generic', m.generic],
        ]),
      );
    } else {
      // stdout is flushed first, as the real client does, so both streams keep their order on a tty.
      this.sink.flush();
      writeAll(2, Buffer.from(`${m.text}\n`));
    }
  }

  /** A failure the client reports without a message (an agent that failed without an `error`). */
  noteFailure(): void {
    this.worst = Math.max(this.worst, E_FAILED);
  }

  /** Flushes stdout; the exit status is 1 once anything failed, warnings alone leave it 0. */
  finish(): number {
    this.sink.flush();
    return this.worst >= E_FAILED ? 1 : 0;
  }
}
