// Entry point of a compute worker thread (see pool.ts): runs one task per call.
import { runTask, type ComputeTask } from './tasks.js';

export default function run(task: ComputeTask): unknown {
  return runTask(task);
}
