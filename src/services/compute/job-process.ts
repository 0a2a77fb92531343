// Runs one Datafold data diff in a child process of its own. A user's query or filter runs inside
// SQLite's native code, which neither a worker thread's terminate() nor anything in better-sqlite3
// can interrupt; a process can always be killed, so the time limit and cancel really stop the work.
import { fork, type ChildProcess } from 'node:child_process';
import type { DatadiffOutcome } from '../../engine/datadiff.js';
import type { DatadiffTask } from './datadiff-task.js';

export type ChildReply = { ok: true; outcome: DatadiffOutcome } | { ok: false; message: string };

const children = new Set<ChildProcess>();

/** The task's outcome; rejects with the signal's reason when aborted (the process is killed). */
export function runDatadiffProcess(task: DatadiffTask, signal: AbortSignal): Promise<DatadiffOutcome> {
  // Under tsx or vitest this module is TypeScript, and so is the child: load it through tsx.
  const typescript = import.meta.url.endsWith('.ts');
  const child = fork(new URL(`./job-child.${typescript ? 'ts' : 'js'}`, import.meta.url), [], {
    execArgv: typescript ? ['--import', 'tsx'] : [],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
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
    child.once('message', (reply: ChildReply) =>
      settle(() => (reply.ok ? resolve(reply.outcome) : reject(new Error(reply.message)))),
    );
    child.once('exit', (code, sig) =>
      settle(() => reject(new Error(`the data diff process ended early (${sig ?? code})`))),
    );
    child.once('error', (error) => settle(() => reject(error)));
    child.send(task);
  });
}

/** How many data diff processes have not exited yet. */
export function datadiffProcessCount(): number {
  return children.size;
}

/** Kills every data diff process still running (on shutdown). */
export function killDatadiffProcesses(): void {
  for (const child of children) child.kill('SIGKILL');
}
