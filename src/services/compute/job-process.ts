// Runs a Datafold data diff that runs SQL (a side's query or filter) in a child process of its own;
// others run in a worker thread (pool.ts). A user's query or filter runs inside SQLite's native
// code, which neither a worker thread's terminate() nor anything in better-sqlite3 can interrupt; a
// process can always be killed, so the time limit and cancel really stop the work.
import { fork, type ChildProcess } from 'node:child_process';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DatadiffOutcome } from '../../engine/datadiff.js';
import type { DatadiffTask, DatasetSpec } from './datadiff-task.js';

export type ChildReply = { ok: true; outcome: DatadiffOutcome } | { ok: false; message: string };

/**
 * What the child is sent: the task with each table's bytes replaced by their index among the distinct
 * byte arrays of the task (two sides on one data source share theirs) and the lengths of those, then
 * the bytes of each in order, in pieces. Serializing a message holds the event loop, and a data
 * source's tables can be large: a piece at a time, with a turn between, keeps each hold short.
 */
export type ChildMessage =
  { kind: 'task'; task: TaskOutline; lengths: number[] } | { kind: 'piece'; bytes: Uint8Array };
export type TaskOutline = Omit<DatadiffTask, 'a' | 'b'> & { a: SpecOutline; b: SpecOutline };
type SpecOutline = Omit<DatasetSpec, 'tables'> & { tables: Array<{ name: string; bytes: number }> };

const PIECE_BYTES = 4 << 20;

const children = new Set<ChildProcess>();
/**
 * A process started before a data diff needs it: starting Node and loading the child's code took
 * about 100 ms of a data diff's time (two 100k-row tables: 287 ms from create to done in a new
 * process, 208-223 ms in one started before, by hand). Once a data diff has answered, the process
 * for the next is started and waits (about 55 MB), without holding the server open; it exits when
 * the server does. It is started then, not with the diff, so that the first data diff forks the
 * server once, and no start competes with a running diff for the machine.
 */
let spare: ChildProcess | undefined;

function startChild(): ChildProcess {
  // Under tsx or vitest this module is TypeScript, and so is the child: load it through tsx.
  const typescript = import.meta.url.endsWith('.ts');
  const child = fork(new URL(`./job-child.${typescript ? 'ts' : 'js'}`, import.meta.url), [], {
    execArgv: typescript ? ['--import', 'tsx'] : [],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const gone = () => {
    children.delete(child);
    if (spare === child) spare = undefined;
  };
  child.once('exit', gone);
  // A process that could not start (too many open files, say) says so with 'error' alone, and one
  // that could not be written to or killed with 'error' too. A data diff listens for its own process's;
  // this one drops the process either way, so that an error no data diff waits for (the spare's)
  // does not end the server. The next data diff starts a process of its own.
  child.on('error', () => {
    gone();
    child.kill('SIGKILL');
  });
  return child;
}

/** The spare process if it is still there, else a new one. */
function takeChild(): ChildProcess {
  const ready = spare?.connected ? spare : startChild();
  if (ready === spare) spare = undefined;
  ready.ref();
  ready.channel?.ref();
  return ready;
}

function startSpare(): void {
  if (spare) return;
  try {
    spare = startChild();
  } catch {
    // fork() throws for some failures (ENOMEM, say): no spare, then.
    return;
  }
  spare.unref();
  spare.channel?.unref();
}

/** The task's outcome; rejects with the signal's reason when aborted (the process is killed). */
export function runDatadiffProcess(task: DatadiffTask, signal: AbortSignal): Promise<DatadiffOutcome> {
  const child = takeChild();
  return new Promise<DatadiffOutcome>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (child.exitCode === null) child.kill('SIGKILL');
      fn();
    };
    const onAbort = () => settle(() => reject(signal.reason ?? new Error('aborted')));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    child.once('message', (reply: ChildReply) => {
      settle(() => (reply.ok ? resolve(reply.outcome) : reject(new Error(reply.message))));
      startSpare();
    });
    child.once('exit', (code, sig) =>
      settle(() => reject(new Error(`the data diff process ended early (${sig ?? code})`))),
    );
    child.once('error', (error) => settle(() => reject(error)));
    void sendTask(child, task, () => settled);
  });
}

async function sendTask(child: ChildProcess, task: DatadiffTask, settled: () => boolean): Promise<void> {
  const distinct: Uint8Array[] = [];
  const indexOf = (data: Uint8Array) => {
    const at = distinct.indexOf(data);
    return at >= 0 ? at : distinct.push(data) - 1;
  };
  const outline = (spec: DatasetSpec): SpecOutline => ({
    ...spec,
    tables: spec.tables.map(({ name, data }) => ({ name, bytes: indexOf(data) })),
  });
  const send = (message: ChildMessage) => {
    // Once the job has ended (its process killed), nothing more is sent.
    if (!settled() && child.connected) child.send(message);
  };
  const outlined = { ...task, a: outline(task.a), b: outline(task.b) };
  send({ kind: 'task', task: outlined, lengths: distinct.map((data) => data.byteLength) });
  for (const data of distinct) {
    for (let at = 0; at < data.byteLength; at += PIECE_BYTES) {
      await nextTurn();
      // A copy (a Buffer's slice is a view, and a view is sent with all of the memory it looks into).
      send({ kind: 'piece', bytes: new Uint8Array(data.subarray(at, at + PIECE_BYTES)) });
    }
  }
}

/** How many data diff processes have not exited yet, the spare aside. */
export function datadiffProcessCount(): number {
  return children.size - (spare ? 1 : 0);
}

/** The process id of the spare process, if there is one. */
export function spareDatadiffPid(): number | undefined {
  return spare?.pid;
}

/** Kills every data diff process still running, and the spare (on shutdown). */
export function killDatadiffProcesses(): void {
  for (const child of children) child.kill('SIGKILL');
}
