// Entry point of a data diff child process (see job-process.ts): one task in, one reply out.
import { datadiffTask, type DatadiffTask } from './datadiff-task.js';
import type { ChildReply } from './job-process.js';

// If the server goes away, so does its job.
process.once('disconnect', () => process.exit(1));
process.once('message', (task: DatadiffTask) => {
  let reply: ChildReply;
  try {
    reply = { ok: true, outcome: datadiffTask(task) };
  } catch (e) {
    reply = { ok: false, message: (e as Error).message };
  }
  process.send!(reply, () => process.exit(0));
});
