// Runs the compare tasks of tasks.ts off the event loop, in a small pool of worker threads (piscina),
// so that a million-row compare does not stall other requests. Inputs smaller than
// `inlineBelowBytes` run on the calling thread: a worker round trip would cost more than the diff.
// A Datafold data diff runs in a worker too, unless it runs a user's SQL (a query or a filter): then
// it gets a killable child process of its own (job-process.ts).
import { on } from 'node:events';
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { CompareParams } from '../../engine/keyed-diff.js';
import type { Paging, TabularDiffView } from '../../engine/tabular-diff.js';
import type { LineDiff } from '../../engine/text-diff.js';
import type { DatadiffOutcome } from '../../engine/datadiff.js';
import { runsSql, type DatadiffTask } from './datadiff-task.js';
import { killDatadiffProcesses, runDatadiffProcess } from './job-process.js';
import {
  keyedDiffTask,
  tableDiffTask,
  textDiffTask,
  type ComputeTask,
  type FrameSource,
  type KeyedMessage,
  type KeyedOutcome,
} from './tasks.js';

/** A keyed compare's outcome, its rows' buffers of JSON lines coming as the compare makes them. */
export type KeyedResult = KeyedOutcome<AsyncIterable<Uint8Array>>;

export interface ComputeOptions {
  /** Worker threads at most; default: the cores less one, at least one. */
  threads?: number;
  /** Inputs of fewer bytes run inline; default 1 MiB. 0 sends everything to the workers. */
  inlineBelowBytes?: number;
  /**
   * Told of an error the pool meets outside any task (see createComputePool); by default it is
   * written to standard error as a process warning. No task fails with it.
   */
  onError?: (error: unknown) => void;
}

export interface ComputePool {
  diffText(before: Uint8Array | null, after: Uint8Array | null): Promise<LineDiff[] | null>;
  diffTables(base: FrameSource | null, head: FrameSource | null, paging: Paging): Promise<TabularDiffView>;
  /**
   * Resolves once the join is done; the rows come after, and must be read to their end (reading
   * them is what frees them, and the port they come through).
   */
  diffKeyed(left: FrameSource, right: FrameSource, params: CompareParams): Promise<KeyedResult>;
  /**
   * In a worker thread, whatever its size, its tables moved there (callers must not read them
   * afterwards); when it runs SQL, in a child process of its own. `signal` ends either, a runaway
   * query and all, and the promise rejects with its reason.
   */
  diffDatasets(task: DatadiffTask, signal: AbortSignal): Promise<DatadiffOutcome>;
  close(): Promise<void>;
}

const size = (...parts: Array<{ byteLength: number } | null>) =>
  parts.reduce((n, p) => n + (p?.byteLength ?? 0), 0);

/** Buffers that own their whole memory can move to the worker instead of being copied. */
function movable(...parts: Array<Uint8Array | null | undefined>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const p of parts)
    if (p && p.buffer instanceof ArrayBuffer && p.byteOffset === 0 && p.byteLength === p.buffer.byteLength)
      out.add(p.buffer);
  return [...out];
}

export function createComputePool(options: ComputeOptions = {}): ComputePool {
  const inlineBelow = options.inlineBelowBytes ?? 1024 * 1024;
  const onError = options.onError ?? ((error: unknown) => process.emitWarning(String(error)));
  let pool: Piscina | undefined;
  // Under tsx or vitest this module is TypeScript, and so is its worker: load it through tsx.
  const typescript = import.meta.url.endsWith('.ts');
  // Piscina emits 'error' for what befalls no task: a worker's uncaught error between tasks, or an
  // answer from a worker to a task it no longer tracks (once in the test suite, the answer of a data
  // diff aborted as it ended). An 'error' event nobody listens to is thrown, and would end the server.
  const workers = () => (pool ??= newPool().on('error', onError));
  const newPool = () =>
    new Piscina({
      filename: new URL(`./worker.${typescript ? 'ts' : 'js'}`, import.meta.url).href,
      execArgv: typescript ? ['--import', 'tsx'] : [],
      minThreads: 0,
      maxThreads: options.threads ?? Math.max(1, availableParallelism() - 1),
      idleTimeout: 30_000,
      // V8 lets a busy young generation grow to 48 MB, all of it resident, beside the files of a
      // compare; its short-lived cells are collected as well in a quarter of that.
      resourceLimits: { maxYoungGenerationSizeMb: 12 },
      // Between tasks a worker waits on its event loop, not blocked in Atomics.wait, so that what it
      // schedules after a task (worker.ts) runs.
      atomics: 'disabled',
    });
  /** Inputs handed to a worker are moved, not copied: callers must not read them afterwards. */
  const run = <T>(
    task: ComputeTask,
    inputs: Array<Uint8Array | null | undefined>,
    inline: () => T,
  ): Promise<T> =>
    size(...inputs.map((i) => i ?? null)) < inlineBelow
      ? Promise.resolve().then(inline)
      : (workers().run(task, { transferList: movable(...inputs) }) as Promise<T>);

  return {
    diffText: (before, after) =>
      run({ kind: 'text-diff', before, after }, [before, after], () => textDiffTask(before, after)),
    diffTables: (base, head, paging) =>
      run({ kind: 'table-diff', base, head, paging }, [base?.bytes, head?.bytes], () =>
        tableDiffTask(base, head, paging),
      ),
    diffKeyed: async (left, right, params) => {
      if (size(left.bytes, right.bytes) < inlineBelow) {
        await Promise.resolve();
        const outcome = keyedDiffTask(left, right, params);
        return outcome.ok ? { ...outcome, rows: fromArray(outcome.rows) } : outcome;
      }
      const { port1, port2 } = new MessageChannel();
      const task = { kind: 'keyed-diff' as const, left, right, params, port: port2 };
      const transferList = [...movable(left.bytes, right.bytes), port2];
      return keyedRows(port1, workers().run(task, { transferList }));
    },
    diffDatasets: async (task, signal) => {
      if (runsSql(task)) return runDatadiffProcess(task, signal);
      const tables = [task.a, task.b].flatMap((side) => side.tables.map((t) => t.data));
      try {
        // Sent to a worker, the tables move in no time, where a process forked for the diff took
        // 0.2-0.3 s to start and receive 90 MB of them (by hand); a worker's own heap leaves the
        // server's collections alone.
        return (await workers().run(
          { kind: 'datadiff', task },
          { signal, transferList: movable(...tables) },
        )) as DatadiffOutcome;
      } catch (error) {
        // Piscina ends the worker and rejects with an AbortError of its own.
        throw signal.aborted ? (signal.reason ?? error) : error;
      }
    },
    close: async () => {
      killDatadiffProcesses();
      await pool?.destroy();
      pool = undefined;
    },
  };
}

async function* fromArray(buffers: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* buffers;
}

/**
 * A keyed compare's result from the messages a worker sends on `port` (KeyedMessage) while `task`
 * runs: its start, then its rows as they come. Should the task fail, so does the next read.
 */
export async function keyedRows(port: MessagePort, task: Promise<unknown>): Promise<KeyedResult> {
  const failed = new AbortController();
  task.catch((error: unknown) => failed.abort(error));
  const messages = on(port, 'message', { signal: failed.signal })[Symbol.asyncIterator]();
  const next = async (): Promise<KeyedMessage> => {
    try {
      const { value } = await messages.next();
      return (value as [KeyedMessage])[0];
    } catch (error) {
      // The task's own error, not the AbortError that carries it.
      throw failed.signal.aborted ? failed.signal.reason : error;
    }
  };
  const close = async () => {
    await messages.return?.();
    port.close();
  };
  let first: KeyedMessage;
  try {
    first = await next();
    if (first.kind !== 'start') throw new Error(`a keyed compare began with ${first.kind}`);
  } catch (error) {
    await close();
    throw error;
  }
  if (!first.start.ok) {
    await close();
    return first.start;
  }
  async function* rows(): AsyncGenerator<Uint8Array> {
    try {
      for (let message = await next(); message.kind === 'rows'; message = await next()) yield message.bytes;
    } finally {
      await close();
    }
  }
  return { ...first.start, rows: rows() };
}
