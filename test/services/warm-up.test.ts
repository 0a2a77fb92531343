import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.js';
import { DatadiffService } from '../../src/services/datafold/datadiffs.js';
import { datadiffTask } from '../../src/services/compute/datadiff-task.js';
import {
  WARM_DIFFS,
  warmUpCsv,
  warmUpDatadiffs,
  warmUpTables,
  warmUpTask,
} from '../../src/services/compute/warm-up.js';
import { csvTableData, storedAs } from '../helpers/stored-table.js';
import { build, call } from '../helpers/app.js';

let app: App;
beforeAll(async () => {
  app = await build();
});
afterAll(() => app.app.close());

describe("the app's warm-up", () => {
  it('makes the default list a few times, changing nothing a client sees', async () => {
    const before = await call(app, 'list_datadiffs', 'GET', '/api/v1/datadiffs?page_size=100');
    const made = vi.spyOn(DatadiffService.prototype, 'listText');
    try {
      await app.warmUp();
      expect(made).toHaveBeenCalledTimes(5);
      expect(made.mock.results.map((r) => JSON.parse(r.value as string).count)).toEqual(
        Array(5).fill(before.json.count),
      );
    } finally {
      made.mockRestore();
    }
    // Nothing journalled, nothing written.
    expect(app.journal.list({ path: '/api/v1/datadiffs' })).toHaveLength(1);
    const after = await call(app, 'list_datadiffs', 'GET', '/api/v1/datadiffs?page_size=100');
    expect(after.body).toBe(before.body);
  });

  it('builds a CSV table of every kind of column a few times, rows ending in a number or in text, and stores nothing', async () => {
    const kinds = ['number', 'text', 'words', 'number', 'number', 'bool', 'text'];
    for (const [k, last] of [
      [0, ['number']],
      [1, []],
    ] as const) {
      const stored = csvTableData(warmUpCsv(k), { refuseDuplicateNames: true });
      expect(stored.ok && storedAs(stored.data)).toEqual([...kinds, ...last]);
    }
    const before = app.sources.list();
    expect(await app.sources.warmUp(() => false)).toBe(4);
    expect(app.sources.list()).toEqual(before);
    // Stopped, it builds none.
    expect(await app.sources.warmUp(() => true)).toBe(0);
  });

  it("a worker's: diffs two made-up tables with a column of each kind, each with differences", () => {
    const [base, head] = warmUpTables();
    expect(storedAs(base)).toEqual(['number', 'text', 'words', 'number', 'number', 'bool', 'text', 'number']);
    const outcome = datadiffTask(warmUpTask(base, head));
    if (!outcome.ok) throw new Error(outcome.error.error_value);
    expect(outcome.result).toBe('different');
    expect(outcome.pks).toMatchObject({ total_rows: [1000, 989], exclusives: [20, 9] });
    // Every column but the notes (which no version changes) holds differences.
    const differing = outcome.values!.columns_diff_stats.filter((c) => c.values_different > 0);
    expect(differing.map((c) => c.column_name)).toEqual(['name', 'kind', 'amount', 'score', 'flag', 'count']);
    expect(warmUpDatadiffs()).toBe(WARM_DIFFS);
  });
});
