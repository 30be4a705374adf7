import { writeSync } from 'node:fs';
import { errnoCode } from '../errors.js';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Writes reply lines to a file descriptor with blocking writes, whole or not at all. */
export class FdReplyWriter {
  constructor(private readonly fd: number) {}

  /** Writes one reply line; false when the reader has gone away (EPIPE). */
  write(line: string): boolean {
    let buf: Buffer | undefined;
    let offset = 0;
    for (;;) {
      try {
        if (buf === undefined) {
          const written = writeSync(this.fd, line);
          if (written === Buffer.byteLength(line)) return true;
          buf = Buffer.from(line);
          offset = written;
        } else {
          offset += writeSync(this.fd, buf, offset);
          if (offset >= buf.length) return true;
        }
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'EAGAIN') Atomics.wait(sleepCell, 0, 0, 1);
        else if (code === 'EPIPE' || code === 'ECONNRESET') return false;
        else if (code !== 'EINTR') throw err;
      }
    }
  }
}
