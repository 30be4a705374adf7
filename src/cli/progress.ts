import { formatBytes, formatCount, formatDuration, formatRate } from './format.js';

/**
 * Progress of a long operation on stderr: a single line redrawn in place on a terminal, a plain line
 * every few seconds otherwise (CI logs, pipes), nothing at all in --json mode.
 */
export interface ProgressState {
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
  readonly failed: number;
  readonly detail?: string;
}

export class Progress {
  private lastDraw = 0;
  private drawnWidth = 0;
  private readonly started = Date.now();

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly label: string,
    private readonly enabled: boolean,
  ) {}

  update(s: ProgressState, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    const interval = this.stream.isTTY ? 100 : 5000;
    if (!force && now - this.lastDraw < interval) return;
    this.lastDraw = now;
    const elapsed = now - this.started;
    // total 0: not known in advance (seed walks a tree): a count, no percentage, no bar.
    const known = s.total > 0;
    const pct = known ? Math.floor((s.done * 100) / s.total) : 0;
    const eta = known && s.done > 0 && s.done < s.total ? ` ETA ${formatDuration((elapsed / s.done) * (s.total - s.done))}` : '';
    const count = known
      ? `${formatCount(s.done)}/${formatCount(s.total)} files (${pct}%)`
      : `${formatCount(s.done)} ${s.done === 1 ? 'file' : 'files'}`;
    const text =
      `${this.label} ${count}  ${formatBytes(s.bytes)}  ${formatRate(s.bytes, elapsed)}` +
      `${s.failed ? `  ${formatCount(s.failed)} failed` : ''}${s.detail ? `  ${s.detail}` : ''}${eta}`;
    if (this.stream.isTTY) {
      const width = this.stream.columns ?? 100;
      const bar = known ? `${this.bar(pct, Math.max(10, Math.min(30, width - text.length - 3)))} ` : '';
      const line = `${bar}${text}`.slice(0, width - 1);
      this.stream.write(`\r${line}${' '.repeat(Math.max(0, this.drawnWidth - line.length))}`);
      this.drawnWidth = line.length;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Clears the in-place line so the summary starts on a clean line. */
  end(): void {
    if (this.enabled && this.stream.isTTY && this.drawnWidth > 0) this.stream.write(`\r${' '.repeat(this.drawnWidth)}\r`);
  }

  private bar(pct: number, width: number): string {
    const full = Math.round((pct / 100) * width);
    return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
  }
}
