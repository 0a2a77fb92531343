import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DatadiffTask } from '../../src/services/compute/datadiff-task.js';
import {
  killDatadiffProcesses,
  runDatadiffProcess,
  spareDatadiffPid,
} from '../../src/services/compute/job-process.js';

// fork() as the system may answer it, one answer per call: a process that starts and answers its
// data diff, one that could not start (Node emits 'error' on the next tick, and no 'exit'), or a
// throw (Node throws for some failures, such as ENOMEM).
const forks = vi.hoisted(() => [] as Array<() => unknown>);
vi.mock('node:child_process', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:child_process')>()),
  fork: () => forks.shift()!(),
}));

const OUTCOME = { ok: true, result: 'identical' };
let pids = 1000;

/** A child process as job-process.ts uses one. */
class FakeChild extends EventEmitter {
  connected = true;
  exitCode: number | null = null;
  pid: number | undefined = pids++;
  channel = undefined;
  killed = false;
  /** Whether an emit of 'message' or 'error' found a listener and did not throw. */
  heard: boolean[] = [];
  ref(): void {}
  unref(): void {}
  kill(): boolean {
    this.killed = true;
    if (this.connected) setImmediate(() => this.emit('exit', null, 'SIGKILL'));
    this.connected = false;
    return true;
  }
  send(message: { kind: string }): boolean {
    if (message.kind === 'task') setImmediate(() => this.tell('message', { ok: true, outcome: OUTCOME }));
    return true;
  }
  tell(event: string, value: unknown): void {
    try {
      this.heard.push(this.emit(event, value));
    } catch {
      this.heard.push(false);
    }
  }
}

const made: FakeChild[] = [];
const answering = () => {
  const child = new FakeChild();
  made.push(child);
  return child;
};
const failing = () => {
  const child = answering();
  child.connected = false;
  child.pid = undefined;
  process.nextTick(() => child.tell('error', Object.assign(new Error('spawn EMFILE'), { code: 'EMFILE' })));
  return child;
};
const throwing = () => {
  throw Object.assign(new Error('spawn ENOMEM'), { code: 'ENOMEM' });
};

const side: DatadiffTask['a'] = { tables: [], read: { kind: 'query', sql: 'SELECT 1 AS id' }, filter: null };
const task: DatadiffTask = { a: side, b: side, options: { pkColumns: ['id'] } };
const run = () => runDatadiffProcess(task, new AbortController().signal);
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

afterEach(async () => {
  killDatadiffProcesses();
  await turns(3);
  forks.length = 0;
  made.length = 0;
});

describe('the processes of data diffs that run SQL', () => {
  it('drops a spare process that could not start, and starts another after the next data diff', async () => {
    forks.push(answering, failing, answering, answering);
    expect(await run()).toEqual(OUTCOME);
    await turns(3);
    const failed = made[1]!;
    // Its 'error' was heard (an 'error' nobody hears is thrown, and would end the server).
    expect(failed.heard).toEqual([true]);
    expect(failed.killed).toBe(true);
    expect(spareDatadiffPid()).toBeUndefined();
    expect(await run()).toEqual(OUTCOME);
    await turns(3);
    expect(forks).toHaveLength(0);
    expect(spareDatadiffPid()).toBe(made[3]!.pid);
  });

  it('goes on when fork() throws as the spare starts', async () => {
    forks.push(answering, throwing, answering, answering);
    expect(await run()).toEqual(OUTCOME);
    await turns(3);
    // The spare is started as the data diff's answer is read: that answer's handler did not throw.
    expect(made[0]!.heard).toEqual([true]);
    expect(spareDatadiffPid()).toBeUndefined();
    expect(await run()).toEqual(OUTCOME);
    await turns(3);
    expect(spareDatadiffPid()).toBe(made[2]!.pid);
  });
});
