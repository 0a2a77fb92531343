// Runs the compare tasks of tasks.ts off the event loop, in a small pool of worker threads (piscina),
// so that a million-row compare does not stall other requests. Inputs smaller than
// `inlineBelowBytes` run on the calling thread: a worker round trip would cost more than the diff.
// Datafold data diffs, which run users' SQL, get a killable child process each (job-process.ts).
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { CompareParams } from '../../engine/keyed-diff.js';
import type { Paging, TabularDiffView } from '../../engine/tabular-diff.js';
import type { LineDiff } from '../../engine/text-diff.js';
import type { DatadiffOutcome } from '../../engine/datadiff.js';
import type { DatadiffTask } from './datadiff-task.js';
import { killDatadiffProcesses, runDatadiffProcess } from './job-process.js';
import {
  keyedDiffTask,
  tableDiffTask,
  textDiffTask,
  type ComputeTask,
  type FrameSource,
  type KeyedOutcome,
} from './tasks.js';

export interface ComputeOptions {
  /** Worker threads at most; default: the cores less one, at least one. */
  threads?: number;
  /** Inputs of fewer bytes run inline; default 1 MiB. 0 sends everything to the workers. */
  inlineBelowBytes?: number;
}

export interface ComputePool {
  diffText(before: Uint8Array | null, after: Uint8Array | null): Promise<LineDiff[] | null>;
  diffTables(base: FrameSource | null, head: FrameSource | null, paging: Paging): Promise<TabularDiffView>;
  diffKeyed(left: FrameSource, right: FrameSource, params: CompareParams): Promise<KeyedOutcome>;
  /** Always in a child process of its own, whatever its size: `signal` kills it, runaway query and all. */
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
  let pool: Piscina | undefined;
  // Under tsx or vitest this module is TypeScript, and so is its worker: load it through tsx.
  const typescript = import.meta.url.endsWith('.ts');
  const workers = () =>
    (pool ??= new Piscina({
      filename: new URL(`./worker.${typescript ? 'ts' : 'js'}`, import.meta.url).href,
      execArgv: typescript ? ['--import', 'tsx'] : [],
      minThreads: 0,
      maxThreads: options.threads ?? Math.max(1, availableParallelism() - 1),
      idleTimeout: 30_000,
      // V8 lets a busy young generation grow to 48 MB, all of it resident, beside the files of a
      // compare; its short-lived cells are collected as well in a quarter of that.
      resourceLimits: { maxYoungGenerationSizeMb: 12 },
    }));
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
    diffKeyed: (left, right, params) =>
      run({ kind: 'keyed-diff', left, right, params }, [left.bytes, right.bytes], () =>
        keyedDiffTask(left, right, params),
      ),
    diffDatasets: runDatadiffProcess,
    close: async () => {
      killDatadiffProcesses();
      await pool?.destroy();
      pool = undefined;
    },
  };
}
