import { readSync } from 'node:fs';
import { errnoCode } from '../errors.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Reads newline-terminated lines from a file descriptor with blocking reads. The agent answers one
 * request at a time, so blocking on the pipe costs nothing and saves the event-loop hop a stream
 * reader would add to every request. A returned line is valid until the next call.
 */
export class FdLineReader {
  private buf: Buffer;
  private start = 0;
  private end = 0;
  private eof = false;

  constructor(
    private readonly fd: number,
    initialSize = 64 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** The next line without its `\n` (and one trailing `\r`), or null at end of input. */
  next(): Buffer | null {
    for (;;) {
      const nl = this.buf.subarray(0, this.end).indexOf(NEWLINE, this.start);
      if (nl >= 0) {
        const line = this.takeLine(nl);
        this.start = nl + 1;
        return line;
      }
      if (this.eof) {
        if (this.start < this.end) {
          const line = this.takeLine(this.end);
          this.start = this.end;
          return line;
        }
        return null;
      }
      this.fill();
    }
  }

  private takeLine(stop: number): Buffer {
    let lineEnd = stop;
    if (lineEnd > this.start && this.buf[lineEnd - 1] === CARRIAGE_RETURN) lineEnd--;
    return this.buf.subarray(this.start, lineEnd);
  }

  private fill(): void {
    if (this.start > 0) {
      this.buf.copy(this.buf, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    if (this.end === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    for (;;) {
      try {
        const n = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
        if (n === 0) this.eof = true;
        this.end += n;
        return;
      } catch (err) {
        const code = errnoCode(err);
        // A non-blocking stdin (never the pipe p4 creates) gets a short sleep instead of a busy loop.
        if (code === 'EAGAIN') Atomics.wait(sleepCell, 0, 0, 1);
        else if (code === 'EINTR') continue;
        else if (code === 'EOF' || code === 'EPIPE' || code === 'ECONNRESET') {
          this.eof = true;
          return;
        } else throw err;
      }
    }
  }
}
