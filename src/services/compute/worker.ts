// Entry point of a compute worker thread (see pool.ts): runs one task per call. A keyed compare's
// rows, which can run to hundreds of megabytes, leave through the task's port as they are made.
import { runTask, type ComputeTask } from './tasks.js';

export default function run(task: ComputeTask): unknown {
  const out = runTask(task);
  // A data diff's tables (moved here) and their indexes are garbage once it has answered, and an idle
  // worker makes no garbage that would have them collected: collect them once the answer has gone
  // (the pool's workers wait for tasks on their event loop), when the process runs with --expose-gc,
  // as `npm start` runs it.
  if (task.kind === 'datadiff') setImmediate(() => (globalThis as { gc?: () => void }).gc?.());
  return out;
}
