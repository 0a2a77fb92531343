// Entry point of a data diff child process (see job-process.ts): one task in, its tables' bytes in
// pieces after it, one reply out.
import { datadiffTask, type DatasetSpec } from './datadiff-task.js';
import type { ChildMessage, ChildReply, TaskOutline } from './job-process.js';

// If the server goes away, so does its job.
process.once('disconnect', () => process.exit(1));

let outline: TaskOutline | undefined;
/** Each table's bytes as they arrive, in the order the task names them. */
const tables: Array<{ name: string; data: Uint8Array; filled: number }> = [];
let next = 0;

process.on('message', (message: ChildMessage) => {
  if (message.kind === 'task') {
    outline = message.task;
    for (const { name, length } of [...outline.a.tables, ...outline.b.tables])
      tables.push({ name, data: new Uint8Array(length), filled: 0 });
  } else {
    while (tables[next] && tables[next]!.filled === tables[next]!.data.length) next++;
    const table = tables[next]!;
    table.data.set(message.bytes, table.filled);
    table.filled += message.bytes.length;
  }
  if (outline && tables.every((t) => t.filled === t.data.length)) {
    run(outline);
    outline = undefined;
  }
});

function run(task: TaskOutline): void {
  const filled = tables.map(({ name, data }) => ({ name, data }));
  const spec = (side: TaskOutline['a'], from: number): DatasetSpec => ({
    ...side,
    tables: filled.slice(from, from + side.tables.length),
  });
  let reply: ChildReply;
  try {
    reply = {
      ok: true,
      outcome: datadiffTask({
        ...task,
        a: spec(task.a, 0),
        b: spec(task.b, task.a.tables.length),
      }),
    };
  } catch (e) {
    reply = { ok: false, message: (e as Error).message };
  }
  process.send!(reply, () => process.exit(0));
}
