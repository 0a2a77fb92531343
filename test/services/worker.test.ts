import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import run, { COLLECT_AFTER_IDLE_MS } from '../../src/services/compute/worker.js';
import { warmUpDatadiffs } from '../../src/services/compute/warm-up.js';
import type { DatadiffTask } from '../../src/services/compute/datadiff-task.js';

const stored = (ids: number[]) => ({
  name: 'T',
  data: Buffer.from(JSON.stringify({ columns: [{ name: 'id', dtype: 'i64' }], rows: ids.map((id) => [id]) })),
});
const datadiff: DatadiffTask = {
  a: { tables: [stored([1, 2])], read: { kind: 'table', path: ['T'] }, filter: null },
  b: { tables: [stored([2, 3])], read: { kind: 'table', path: ['T'] }, filter: null },
  options: { pkColumns: ['id'] },
};
// The warm-up is counted, not run: what it does is tested with warm-up.ts.
vi.mock('../../src/services/compute/warm-up.js', async (actual) => ({
  ...(await actual<object>()),
  warmUpDatadiffs: vi.fn(() => 3),
}));

const textDiff = { kind: 'text-diff' as const, before: Buffer.from('a\n'), after: Buffer.from('b\n') };

describe('a compute worker', () => {
  const collect = vi.fn();
  let saved: typeof globalThis.gc;
  beforeEach(() => {
    vi.useFakeTimers();
    saved = globalThis.gc;
    globalThis.gc = collect as unknown as typeof globalThis.gc;
  });
  afterEach(() => {
    vi.advanceTimersByTime(COLLECT_AFTER_IDLE_MS);
    vi.useRealTimers();
    globalThis.gc = saved;
    collect.mockReset();
  });

  // First: the warm-up is once per worker, and this module is the worker.
  it('readies its data diff code once, after its first data diff has answered, not before', () => {
    run(textDiff);
    vi.advanceTimersByTime(1);
    expect(warmUpDatadiffs).not.toHaveBeenCalled();
    run({ kind: 'datadiff', task: datadiff });
    expect(warmUpDatadiffs).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(warmUpDatadiffs).toHaveBeenCalledTimes(1);
    run({ kind: 'datadiff', task: datadiff });
    vi.advanceTimersByTime(COLLECT_AFTER_IDLE_MS * 2);
    expect(warmUpDatadiffs).toHaveBeenCalledTimes(1);
  });

  it("collects a data diff's garbage once it has had no task for a moment, not at once", () => {
    expect(run({ kind: 'datadiff', task: datadiff })).toMatchObject({
      ok: true,
      pks: { exclusives: [1, 1] },
    });
    vi.advanceTimersByTime(COLLECT_AFTER_IDLE_MS - 1);
    // Another task meanwhile puts it off.
    run(textDiff);
    vi.advanceTimersByTime(COLLECT_AFTER_IDLE_MS - 1);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(collect).toHaveBeenCalledTimes(1);
    // Nothing is owed after a task that is not a data diff.
    run(textDiff);
    vi.advanceTimersByTime(COLLECT_AFTER_IDLE_MS * 2);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it('goes on as before when its warm-up fails', async () => {
    // A worker of its own: this module's has warmed up already.
    vi.resetModules();
    const warmUp = await import('../../src/services/compute/warm-up.js');
    vi.mocked(warmUp.warmUpDatadiffs).mockClear();
    vi.mocked(warmUp.warmUpDatadiffs).mockImplementationOnce(() => {
      throw new Error('made up');
    });
    const { default: freshRun } = await import('../../src/services/compute/worker.js');
    freshRun({ kind: 'datadiff', task: datadiff });
    expect(() => vi.advanceTimersByTime(1)).not.toThrow();
    expect(warmUp.warmUpDatadiffs).toHaveBeenCalledTimes(1);
    expect(freshRun({ kind: 'datadiff', task: datadiff })).toMatchObject({ ok: true });
  });
});
