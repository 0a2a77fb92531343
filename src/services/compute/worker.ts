// Entry point of a compute worker thread (see pool.ts): runs one task per call.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { runTask, type ComputeTask, type KeyedOutcome } from './tasks.js';

export default function run(task: ComputeTask): unknown {
  const out = runTask(task);
  if (task.kind !== 'keyed-diff' || !(out as KeyedOutcome).ok) return out;
  // A keyed compare's rows can run to hundreds of megabytes: their buffers move, not copied.
  const outcome = out as Extract<KeyedOutcome, { ok: true }>;
  const rows = outcome.rows;
  return move({
    get [transferableSymbol]() {
      return rows.map((r) => r.buffer);
    },
    get [valueSymbol]() {
      return outcome;
    },
  });
}
