/**
 * Entry of a copy worker thread (copy-pool.ts): runs batches of local copies with synchronous
 * file calls and answers each batch with one message, so the main thread spends its time on the
 * ledger and the renames instead of on opening, reading and writing files.
 */
import { parentPort } from 'node:worker_threads';
import { O4Error, describeError } from '../errors.js';
import { copyToTemp, type CopyJob, type CopyResult } from './local-copy.js';

export interface CopyRequest {
  readonly id: number;
  readonly job: CopyJob;
}

export type CopyReply =
  | { readonly id: number; readonly ok: true; readonly result: CopyResult }
  | {
      readonly id: number;
      readonly ok: false;
      readonly name: string;
      readonly code: string;
      readonly message: string;
      readonly context: Record<string, unknown>;
    };

parentPort!.on('message', (batch: CopyRequest[]) => {
  const replies = batch.map(({ id, job }): CopyReply => {
    try {
      return { id, ok: true, result: copyToTemp(job) };
    } catch (err) {
      if (err instanceof O4Error) return { id, ok: false, name: err.name, code: err.code, message: err.message, context: err.context };
      return { id, ok: false, name: 'Error', code: 'IO', message: describeError(err), context: { path: job.target } };
    }
  });
  parentPort!.postMessage(replies);
});
