// Entry point of a compute worker thread (see pool.ts): runs one task per call. A keyed compare's
// rows, which can run to hundreds of megabytes, leave through the task's port as they are made.
import { runTask, type ComputeTask } from './tasks.js';
import { warmUpDatadiffs } from './warm-up.js';

/**
 * A data diff's tables (moved here) and their indexes are garbage once it has answered, and an idle
 * worker makes no garbage that would have them collected: they are collected once the worker has
 * had no task for this long (the pool's workers wait for tasks on their event loop), when the
 * process runs with --expose-gc, as `npm start` runs it. Not at once: the next data diff would take
 * its memory from the system again, and a 100k-row one took 10-15 ms longer so (by hand).
 */
export const COLLECT_AFTER_IDLE_MS = 1000;

/** Whether a data diff's garbage waits to be collected, and the timer that will. */
let owed = false;
let collecting: ReturnType<typeof setTimeout> | undefined;
/** Whether the worker has readied its data diff code (warmUp), which it does once. */
let warmed = false;

export default function run(task: ComputeTask): unknown {
  clearTimeout(collecting);
  const out = runTask(task);
  if (task.kind === 'datadiff') {
    owed = true;
    // Once its first data diff has answered, and before its next task unless one is waiting already.
    if (!warmed) setImmediate(warmUp).unref();
    warmed = true;
  }
  if (owed) collecting = setTimeout(collect, COLLECT_AFTER_IDLE_MS).unref();
  return out;
}

function collect(): void {
  owed = false;
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Diffs made-up tables (warm-up.ts), 18-41 ms by hand, so that the worker's next data diff runs on code V8
 * has compiled: a worker's first data diff of 100k rows took 33-62 ms, the next ones 13-24 ms.
 * After the first data diff, not before it, which it would have held up as long. A failure is the
 * warm-up's own: it stores nothing, and leaves the worker as it would have been without it.
 */
function warmUp(): void {
  try {
    warmUpDatadiffs();
  } catch {
    // Nothing to undo.
  }
}
