import { writeSync } from 'node:fs';
import { sleepSync } from './sleep.js';

/**
 * Everything the fake p4 writes to stdout goes through here: collected into large writes (a
 * benchmark prints tens of thousands of small files, or 50 MB ones, per run), cut short by the
 * `die-after` failure, and throttled by FAKE_P4_BYTES_PER_SEC.
 */
export interface SinkLimits {
  /** Write exactly this many bytes in total, then exit with status 1 and nothing more. */
  readonly dieAfter?: number | undefined;
  readonly bytesPerSec?: number | undefined;
}

const BUFFER_SIZE = 1 << 20;

export class StdoutSink {
  private readonly buf = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  private written = 0;
  private readonly started = performance.now();

  constructor(private readonly limits: SinkLimits) {}

  write(data: Buffer): void {
    if (this.used + data.length > BUFFER_SIZE) this.flush();
    if (data.length >= BUFFER_SIZE) {
      this.emit(data);
      return;
    }
    data.copy(this.buf, this.used);
    this.used += data.length;
  }

  flush(): void {
    if (this.used === 0) return;
    const pending = this.buf.subarray(0, this.used);
    this.used = 0;
    this.emit(pending);
  }

  private emit(data: Buffer): void {
    const { dieAfter } = this.limits;
    if (dieAfter !== undefined && this.written + data.length >= dieAfter) {
      this.throttled(data.subarray(0, dieAfter - this.written));
      process.exit(1);
    }
    this.throttled(data);
  }

  private throttled(data: Buffer): void {
    const rate = this.limits.bytesPerSec;
    if (!rate) {
      writeAll(1, data);
      this.written += data.length;
      return;
    }
    // Small slices, each sent no earlier than the rate allows, so a reader sees a steady trickle.
    const slice = Math.max(1, Math.min(64 * 1024, Math.ceil(rate / 20)));
    for (let at = 0; at < data.length; at += slice) {
      const part = data.subarray(at, at + slice);
      sleepSync((this.written / rate) * 1000 - (performance.now() - this.started));
      writeAll(1, part);
      this.written += part.length;
    }
  }
}

/** writeSync on a pipe another process left non-blocking can report EAGAIN: wait and go on. */
export function writeAll(fd: number, data: Buffer): void {
  let at = 0;
  while (at < data.length) {
    try {
      at += writeSync(fd, data, at, data.length - at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') sleepSync(1);
      else if (code === 'EPIPE')
        process.exit(1); // the reader is gone, as SIGPIPE would end real p4
      else throw err;
    }
  }
}
