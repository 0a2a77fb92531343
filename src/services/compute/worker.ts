// Entry point of a compute worker thread (see pool.ts): runs one task per call. A keyed compare's
// rows, which can run to hundreds of megabytes, leave through the task's port as they are made.
import { runTask, type ComputeTask } from './tasks.js';

export default function run(task: ComputeTask): unknown {
  return runTask(task);
}
