// Entry point of a data diff child process (see job-process.ts): one task in, its tables' bytes in
// pieces after it, one reply out.
import { datadiffTask, type DatasetSpec } from './datadiff-task.js';
import type { ChildMessage, ChildReply, TaskOutline } from './job-process.js';

// If the server goes away, so does its job.
process.once('disconnect', () => process.exit(1));

let outline: TaskOutline | undefined;
/** The task's distinct byte arrays, filled as their pieces arrive, in order. */
let arrays: Array<{ data: Uint8Array; filled: number }> = [];
let next = 0;

process.on('message', (message: ChildMessage) => {
  if (message.kind === 'task') {
    outline = message.task;
    arrays = message.lengths.map((length) => ({ data: new Uint8Array(length), filled: 0 }));
  } else {
    while (arrays[next] && arrays[next]!.filled === arrays[next]!.data.length) next++;
    const array = arrays[next]!;
    array.data.set(message.bytes, array.filled);
    array.filled += message.bytes.length;
  }
  if (outline && arrays.every((a) => a.filled === a.data.length)) {
    run(outline);
    outline = undefined;
  }
});

function run(task: TaskOutline): void {
  const spec = (side: TaskOutline['a']): DatasetSpec => ({
    ...side,
    tables: side.tables.map(({ name, bytes }) => ({ name, data: arrays[bytes]!.data })),
  });
  let reply: ChildReply;
  try {
    reply = { ok: true, outcome: datadiffTask({ ...task, a: spec(task.a), b: spec(task.b) }) };
  } catch (e) {
    reply = { ok: false, message: (e as Error).message };
  }
  process.send!(reply, () => process.exit(0));
}
