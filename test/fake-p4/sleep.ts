/**
 * Blocking sleeps. The fake p4 is a short synchronous program like the real client, so latency and
 * throttling simply stop the thread; signals keep their default action and still end the process.
 */
const cell = new Int32Array(new SharedArrayBuffer(4));

export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(cell, 0, 0, ms);
}

/** A server that never answers: block until a signal ends the process. */
export function sleepForever(): never {
  for (;;) Atomics.wait(cell, 0, 0);
}
